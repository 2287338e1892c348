from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevel(models.TextChoices):
    """P5.2: A and B are called back within 10 minutes, C within 30 (targets come from the plan)."""

    A = "A", _("Level A")
    B = "B", _("Level B")
    C = "C", _("Level C")


class WarrantyStartRule(models.TextChoices):
    ACCEPTANCE = "acceptance", _("From the signed acceptance")  # P13.1, P14.1
    DAY_AFTER_ACCEPTANCE = "day_after_acceptance", _("From the day after acceptance")  # P8.3
