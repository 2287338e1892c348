"""Product models and installed units (assets); an asset's tickets are its maintenance archive (P5.7)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import permissions
from shouhou.core import limits
from shouhou.core.audit import AuditedRecords
from shouhou.core.models import VersionedModel
from shouhou.customers.scoping import ScopedQuerySet


class ProductModelQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The catalogue of what we sell is not customer data: every user with a role reads it."""
        return self if permissions.role_of(user) else self.none()


class ProductModel(VersionedModel):
    """What is sold (产品型号), with its default warranty (used when no contract covers a unit)."""

    code = models.CharField(_("model no."), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)
    default_warranty_months = models.PositiveIntegerField(_("default warranty (months)"), default=24)

    objects = ProductModelQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("assets:model_detail", args=[self.pk])


class AssetQuerySet(ScopedQuerySet, models.QuerySet):
    """Assets of the customers the user may see (the customer scoping rule, action "asset.view")."""

    view_action = "asset.view"


class Asset(VersionedModel):
    """One installed unit (设备) with its serial and certificate numbers (P2.7).

    `customer` repeats the site's customer so scoping is one exact key match.  Warranty dates are
    derived by contracts.services from the covering contract's rule (P8.3, P13.1), falling back to
    the product model's default months counted from acceptance.
    """

    serial_no = models.CharField(_("serial no."), max_length=100, unique=True)
    certificate_no = models.CharField(_("certificate no."), max_length=100, blank=True, db_index=True)
    product_model = models.ForeignKey(ProductModel, verbose_name=_("product model"), on_delete=models.PROTECT)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="assets"
    )
    site = models.ForeignKey(
        "customers.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    location = models.CharField(_("location on site"), max_length=200, blank=True)
    install_date = models.DateField(_("install date"), null=True, blank=True)
    acceptance_date = models.DateField(_("acceptance date"), null=True, blank=True)
    warranty_start = models.DateField(_("warranty start"), null=True, blank=True, editable=False)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True, max_length=limits.TEXT)

    objects = AssetQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["serial_no"]

    def __str__(self):
        return self.serial_no

    def get_absolute_url(self):
        return reverse("assets:detail", args=[self.pk])

    def clean(self):
        if self.site_id and self.customer_id and self.site.customer_id != self.customer_id:
            raise ValidationError({"site": _("The site belongs to another customer.")})
        if self.install_date and self.acceptance_date and self.acceptance_date < self.install_date:
            raise ValidationError({"acceptance_date": _("Acceptance cannot be before installation.")})

    def in_warranty(self, on=None) -> bool:
        on = on or timezone.localdate()
        return bool(self.warranty_start and self.warranty_end and self.warranty_start <= on <= self.warranty_end)
