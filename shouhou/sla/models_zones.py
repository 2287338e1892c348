"""A plan's zone rules (issue 8, "Zones from geography"); imported by sla/models.py.

The site's zone, when hand-set, wins; otherwise the plan's rules place it by province / city /
district (zones.resolve_zone), and a ticket without a site — or with a site whose place is not
known — gets the plan's default zone (the rule naming no place), so it still gets its clocks.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import AuditedRecords
from shouhou.customers.models import ServiceZone

from . import zones


class PlanZoneRule(models.Model):
    """Sites in this province / city / district lie in `zone`; all parts empty: the default zone."""

    plan = models.ForeignKey("sla.ServicePlan", verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="zone_rules")
    zone = models.ForeignKey(ServiceZone, verbose_name=_("service zone"), on_delete=models.PROTECT, related_name="+")
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = AuditedRecords(part_of="plan")

    class Meta:
        verbose_name = _("zone rule")
        verbose_name_plural = _("zone rules")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        where = " ".join(p for p in (self.province, self.city, self.district) if p) or _("rest of the country")
        return f"{where} → {self.zone}"

    def clean(self):
        if self.district and not self.city:
            raise ValidationError({"city": _("A district rule names its city too.")})
        if self.city and not self.province:
            raise ValidationError({"province": _("A city rule names its province too.")})

    def pure(self) -> zones.ZoneRule:
        return zones.ZoneRule(zone=self.zone.code, province=self.province, city=self.city, district=self.district)
