"""Vocabulary of retention rules (style rule 8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core import evidence


class RecordKind(models.TextChoices):
    """Which rule keeps a record; evidence models declare theirs (core.evidence.protect)."""

    SERVICE = evidence.SERVICE, _("Service records")
    ACCOUNTING = evidence.ACCOUNTING, _("Accounting records")
    PERSONAL = evidence.PERSONAL, _("Personal data of ended relationships")


class EndAction(models.TextChoices):
    """What happens when a record's retention period is over."""

    ANONYMISE = "anonymise", _("Anonymise personal data, keep the record")
    DELETE = "delete", _("Delete the record")
