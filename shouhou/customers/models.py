"""Customers, their sites (projects) and contacts; service zones."""

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.phone_search import PhoneTail
from shouhou.core import limits
from shouhou.core.audit import AuditedRecords
from shouhou.core.models import VersionedModel

from .scoping import ScopedQuerySet, customer_in_scope


class ServiceZone(models.Model):
    """Where a site lies relative to the service network (e.g. city / other region / other province).

    Targets differ by zone in several plans; the zone's meaning per contract is data (issue 3).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("service zone")
        verbose_name_plural = _("service zones")
        ordering = ["code"]

    def __str__(self):
        return self.name


class CustomerQuerySet(ScopedQuerySet, models.QuerySet):
    customer_path = ""


class Customer(VersionedModel):
    """An organisation or person we serve (客户 / 业主).  `dealer` is the outlet serving them."""

    code = models.CharField(_("customer no."), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    is_key_customer = models.BooleanField(
        _("key customer"), default=False, help_text=_("Key customers get regular visits.")  # P7.6, P12.1
    )
    dealer = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("dealer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="dealer_customers", limit_choices_to={"kind": OrganisationKind.DEALER},
    )
    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("portal organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="customer", limit_choices_to={"kind": OrganisationKind.CUSTOMER},
        help_text=_("The organisation whose users log in as this customer."),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=limits.TEXT)

    objects = CustomerQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        # Caller lookup by a number's last four digits (tickets.caller) reads this index.
        indexes = [models.Index(PhoneTail("phone"), name="customer_phone_tail")]

    def __str__(self):
        return self.name

    def in_scope(self, user, scope: str) -> bool:
        """A scope of the permission layer judged from loaded fields (no query; lists ask it per row)."""
        return customer_in_scope(user, scope, self)

    def get_absolute_url(self):
        return reverse("customers:detail", args=[self.pk])


class SiteQuerySet(ScopedQuerySet, models.QuerySet):
    """Sites of the customers the user may see."""


def validate_time_zone(value):
    if value not in available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class Site(VersionedModel):
    """A place where equipment is installed: a building, plant or project (项目 / 现场)."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Where the site lies, for zone rules (issue 8): a plan places a site without a hand-set zone by these.
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    zone = models.ForeignKey(
        ServiceZone, verbose_name=_("service zone"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("Set by hand, it wins; empty: the service plan's zone rules place the site by province, "
                    "city and district."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )

    objects = SiteQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["customer_id", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:site_detail", args=[self.pk])


class ContactQuerySet(ScopedQuerySet, models.QuerySet):
    """Contacts of the customers the user may see."""


class Contact(VersionedModel):
    """A person at the customer we talk to about service; optionally tied to one of its sites."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts")
    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    objects = ContactQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        indexes = [models.Index(PhoneTail("phone"), name="contact_phone_tail")]  # caller lookup

    def __str__(self):
        return self.name

    def clean(self):
        if self.site_id and self.site.customer_id != self.customer_id:
            raise ValidationError({"site": _("The site belongs to another customer.")})
