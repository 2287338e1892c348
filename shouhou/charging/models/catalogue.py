"""The part catalogue (备件目录), VAT rates, and the unified price list in versions (P2.3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import permissions
from shouhou.core.audit import AuditedRecords
from shouhou.core.models import VersionedModel
from shouhou.customers.scoping import NOTHING

from ..choices import VatKind


class CatalogueQuerySet(models.QuerySet):
    """Catalogue and price lists are our reference data: staff and dealers read them ("pricelist.view")."""

    def scope_q(self, user, scope):
        return NOTHING

    def visible_to(self, user):
        return permissions.scope_filter(user, "pricelist.view", self)


class VatRate(models.Model):
    """The VAT rate of a kind of line from a date on (rates are data: 13 %, 9 %, 6 %, 3 %)."""

    kind = models.CharField(_("VAT kind"), max_length=16, choices=VatKind.choices)
    rate = models.DecimalField(_("rate"), max_digits=5, decimal_places=4,
                               validators=[MinValueValidator(0), MaxValueValidator(1)],
                               help_text=_("As a fraction: 0.13 is 13 %."))
    valid_from = models.DateField(_("valid from"), default=date(2019, 4, 1))

    objects = CatalogueQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ["kind", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "valid_from"], name="charging_vat_rate_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.rate * 100:.0f}%"

    @classmethod
    def rates_on(cls, day: date) -> dict[str, Decimal]:
        """{kind: rate} in force on `day` (the latest valid_from on or before it)."""
        rates: dict[str, Decimal] = {}
        for kind, rate in cls.objects.filter(valid_from__lte=day).order_by("kind", "-valid_from").values_list(
                "kind", "rate"):
            rates.setdefault(kind, rate)
        return rates


class Part(VersionedModel):
    """A spare part or material of the catalogue; its prices are on the price lists."""

    code = models.CharField(_("part no."), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16, default="件")
    vat_kind = models.CharField(_("VAT kind"), max_length=16, choices=VatKind.choices, default=VatKind.GOODS)
    active = models.BooleanField(_("active"), default=True)

    objects = CatalogueQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class PriceList(VersionedModel):
    """A price list (价目表), e.g. the company's unified list (P2.3); its prices come in versions."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    objects = CatalogueQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("charging:price_list", args=[self.pk])

    def version_on(self, day: date) -> PriceListVersion | None:
        """The version in force on `day`: the latest effective on or before it (a later number wins a tie)."""
        return self.versions.filter(effective_from__lte=day).order_by("-effective_from", "-number").first()


class PriceListVersion(models.Model):
    """One version of a price list, in force from `effective_from`.  Never changed once recorded:
    a correction is a new version (a charge names the version that priced it)."""

    price_list = models.ForeignKey(PriceList, verbose_name=_("price list"), on_delete=models.PROTECT,
                                   related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source file"), max_length=200, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()
    history = AuditedRecords(part_of="price_list")

    class Meta:
        verbose_name = _("price list version")
        verbose_name_plural = _("price list versions")
        ordering = ["price_list", "-effective_from", "-number"]
        constraints = [models.UniqueConstraint(fields=["price_list", "number"], name="charging_price_version_unique")]

    def __str__(self):
        return f"{self.price_list.name} v{self.number}"


class PriceListLine(models.Model):
    """A part's tax-inclusive list price (and, for staff, its cost) in one version."""

    version = models.ForeignKey(PriceListVersion, verbose_name=_("version"), on_delete=models.PROTECT,
                                related_name="lines")
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="prices")
    unit_price = models.DecimalField(_("unit price (tax incl.)"), max_digits=12, decimal_places=2,
                                     validators=[MinValueValidator(0)])
    unit_cost = models.DecimalField(_("unit cost (tax incl.)"), max_digits=12, decimal_places=2, null=True,
                                    blank=True, validators=[MinValueValidator(0)])

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("price list line")
        verbose_name_plural = _("price list lines")
        ordering = ["version", "part__code"]
        constraints = [models.UniqueConstraint(fields=["version", "part"], name="charging_price_line_unique")]

    def __str__(self):
        return f"{self.part.code} ¥{self.unit_price}"
