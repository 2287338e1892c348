"""Charging rules as data: how a contract's paid work is priced, and what each period covers."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import AuditedRecords
from shouhou.core.models import VersionedModel

from .. import entitlement, pricing
from ..choices import LabourBasis, PartsBasis, TravelBasis, VatKind
from .catalogue import CatalogueQuerySet, PriceList

PERCENT = [MinValueValidator(0), MaxValueValidator(1000)]


def default_coverage() -> dict:
    return {status: sorted(kinds) for status, kinds in entitlement.DEFAULT_COVERAGE.items()
            if status != entitlement.UNCOVERED}


class ChargingRule(VersionedModel):
    """The charging terms of one contract (or the default, for requests without a contract).

    Parts: free, at list price, at a percentage of list (a plan promises 80 %), or at cost (P13.5);
    labour: none out of warranty, or at an hourly rate (P2.3: at cost, ≤ 10 CNY/hour; P6.7 wages
    without markup); travel: none, a rate per trip or km, or actual cost (P6.7); surcharges for
    night, rest-day and holiday work as percentages of labour, on the working calendar.
    `coverage` says which kinds of line each period covers (entitlement.DEFAULT_COVERAGE);
    `latent_defect_months` (P14.5: 24) and `maintenance` (P11.1) extend what is decided.
    """

    name = models.CharField(_("name"), max_length=200)
    contract = models.OneToOneField("contracts.Contract", verbose_name=_("contract"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="charging_rule")
    is_default = models.BooleanField(_("default rule"), default=False,
                                     help_text=_("Applies to requests whose contract has no rule of its own."))
    price_list = models.ForeignKey(PriceList, verbose_name=_("price list"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="rules")
    parts_basis = models.CharField(_("parts"), max_length=16, choices=PartsBasis.choices, default=PartsBasis.LIST)
    parts_percent = models.DecimalField(_("percentage of list price"), max_digits=6, decimal_places=2,
                                        default=Decimal(100), validators=PERCENT)
    labour_basis = models.CharField(_("labour"), max_length=16, choices=LabourBasis.choices, default=LabourBasis.RATE)
    labour_rate = models.DecimalField(_("labour rate per hour (tax incl.)"), max_digits=10, decimal_places=2,
                                      default=Decimal(0), validators=[MinValueValidator(0)])
    labour_vat_kind = models.CharField(_("VAT kind of labour"), max_length=16, choices=VatKind.choices,
                                       default=VatKind.REPAIR)
    travel_basis = models.CharField(_("travel"), max_length=16, choices=TravelBasis.choices, default=TravelBasis.FREE)
    travel_rate = models.DecimalField(_("travel rate (tax incl.)"), max_digits=10, decimal_places=2,
                                      default=Decimal(0), validators=[MinValueValidator(0)])
    travel_vat_kind = models.CharField(_("VAT kind of travel"), max_length=16, choices=VatKind.choices,
                                       default=VatKind.REPAIR)
    night_surcharge = models.DecimalField(_("night surcharge (% of labour)"), max_digits=6, decimal_places=2,
                                          default=Decimal(0), validators=PERCENT)
    night_start = models.TimeField(_("night from"), default=time(22, 0))
    night_end = models.TimeField(_("night until"), default=time(6, 0))
    rest_day_surcharge = models.DecimalField(_("rest-day surcharge (% of labour)"), max_digits=6, decimal_places=2,
                                             default=Decimal(0), validators=PERCENT)
    holiday_surcharge = models.DecimalField(_("holiday surcharge (% of labour)"), max_digits=6, decimal_places=2,
                                            default=Decimal(0), validators=PERCENT)
    calendar = models.ForeignKey("sla.WorkingCalendar", verbose_name=_("working calendar"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text=_("Tells rest days and holidays apart; empty: the default calendar."))
    coverage = models.JSONField(_("coverage"), default=default_coverage, blank=True,
                                help_text=_("Which kinds of line (labour, parts, travel) each period covers."))
    latent_defect_months = models.PositiveIntegerField(_("latent-defect period (months)"), default=0,
                                                       help_text=_("After the warranty ends; 0: none."))
    maintenance = models.BooleanField(_("maintenance period"), default=False,
                                      help_text=_("After the warranty, the contract's maintenance period runs "
                                                  "while the contract is in force."))

    objects = CatalogueQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("charging rule")
        verbose_name_plural = _("charging rules")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            entitlement.coverage_from(self.coverage)
        except ValueError as exc:
            raise ValidationError({"coverage": _("Give a list of labour, parts and travel for each period.")}) from exc

    def pricing_rule(self) -> pricing.Rule:
        surcharges = {pricing.NIGHT: self.night_surcharge, pricing.REST_DAY: self.rest_day_surcharge,
                      pricing.HOLIDAY: self.holiday_surcharge}
        return pricing.Rule(
            parts_basis=self.parts_basis, parts_percent=self.parts_percent, labour_basis=self.labour_basis,
            labour_rate=self.labour_rate, labour_vat_kind=self.labour_vat_kind, travel_basis=self.travel_basis,
            travel_rate=self.travel_rate, travel_vat_kind=self.travel_vat_kind,
            surcharges={k: v for k, v in surcharges.items() if v})

    def night_minutes(self) -> tuple[int, int] | None:
        if not self.night_surcharge:
            return None
        return (self.night_start.hour * 60 + self.night_start.minute, self.night_end.hour * 60 + self.night_end.minute)
