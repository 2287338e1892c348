"""Contracts: the promises that apply to a customer's sites and assets.

Targets and clocks (the service plan proper) come with the sla app; the contract carries the
service level and warranty terms they are chosen by.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core import limits
from shouhou.core.audit import AuditedRecords
from shouhou.core.models import VersionedModel
from shouhou.customers.scoping import ScopedQuerySet

from .choices import ServiceLevel, WarrantyStartRule


class ContractQuerySet(ScopedQuerySet, models.QuerySet):
    view_action = "contract.view"

    def active_on(self, day):
        return self.filter(start_date__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))


class Contract(VersionedModel):
    """A service contract (合同 / 售后服务方案) with one customer."""

    number = models.CharField(_("contract no."), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    service_level = models.CharField(_("service level"), max_length=1, choices=ServiceLevel.choices, default=ServiceLevel.B)
    warranty_months = models.PositiveIntegerField(_("warranty (months)"), default=24)
    warranty_start_rule = models.CharField(
        _("warranty starts"), max_length=32, choices=WarrantyStartRule.choices, default=WarrantyStartRule.ACCEPTANCE
    )
    warranty_terms = models.TextField(_("warranty terms"), blank=True, max_length=limits.LONG_TEXT)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    sites = models.ManyToManyField("customers.Site", verbose_name=_("covered sites"), blank=True, related_name="contracts")
    assets = models.ManyToManyField("assets.Asset", verbose_name=_("covered assets"), blank=True, related_name="contracts")

    objects = ContractQuerySet.as_manager()
    # Coverage (sites, units) is part of each history row: it decides which warranties the terms govern.
    history = AuditedRecords(m2m_fields=["sites", "assets"])

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "number"]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("contracts:detail", args=[self.pk])

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})

    def is_active(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)
