"""Retention by record kind, as data (issue 6; P13.9): how long each kind of record is kept from
the day it ended, and what happens then.  Seeded by a data migration, editable in the admin."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import EndAction, RecordKind


class RetentionRule(models.Model):
    """One kind of record (service records, accounting records, personal data) and its rule.

    A record of the kind is kept `years` full years after it ended (a ticket: closed or cancelled;
    a contact: the customer's last contract and request ended); then the retention service
    (shouhou.retention.services.apply_retention) anonymises its personal data or deletes it, as
    `action` says.  Seeded: service records 5 years (P13.9), accounting records 30 years (会计档案
    管理办法), personal data of ended relationships 5 years (PIPL art. 19, 47: no longer than
    needed — the service records it belongs to are kept that long).
    """

    kind = models.CharField(_("record kind"), max_length=16, choices=RecordKind.choices, unique=True)
    years = models.PositiveSmallIntegerField(_("kept for (years)"),
                                             validators=[MinValueValidator(1), MaxValueValidator(100)])
    action = models.CharField(_("at the end"), max_length=12, choices=EndAction.choices, default=EndAction.ANONYMISE)
    basis = models.CharField(_("basis"), max_length=200, blank=True,
                             help_text=_("Where the period comes from, e.g. a contract clause or a regulation."))
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Inactive rules are reported but never applied."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.years}"
