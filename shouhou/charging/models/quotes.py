"""The money side of a service request: its entitlement, quotes (报价单) and the charge ledger."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import permissions
from shouhou.core import limits
from shouhou.core.audit import AuditedRecords
from shouhou.core.models import VersionedModel
from shouhou.tickets.models import Ticket, jobs_q

from ..choices import EntitlementStatus, EntryKind, LineKind, QuoteStatus, VatKind
from .catalogue import Part, PriceListVersion
from .rules import ChargingRule

MONEY = {"max_digits": 12, "decimal_places": 2}


class TicketScopedQuerySet(models.QuerySet):
    """Records of the requests the user's scope of "charge.view" reaches (tickets.models.jobs_q)."""

    ticket_path = "ticket"
    supported_scopes = frozenset(permissions.SCOPES)

    def scope_q(self, user, scope: str) -> Q:
        if scope == permissions.ALL:
            return Q()
        return Q(**{f"{self.ticket_path}__in": Ticket.objects.filter(jobs_q(user, scope)).values("pk")})

    def visible_to(self, user):
        """The one scoping rule of the app's ticket records: the scope of "charge.view"."""
        return permissions.scope_filter(user, "charge.view", self)


class LineQuerySet(TicketScopedQuerySet):
    ticket_path = "quote__ticket"


class TicketEntitlement(models.Model):
    """Who pays on one request, decided from its unit and contract (charging.entitlement) with the
    reason in words; an override (permission "entitlement.override") replaces the decision and
    carries its own reason.  Every decision and override is a row of the audit history."""

    # Part of the request's service record: kept with it and deleted only with it, by the
    # retention rule (core.evidence guards every other deletion, P13.9).
    ticket = models.OneToOneField(Ticket, verbose_name=_("service request"), on_delete=models.CASCADE,
                                  related_name="entitlement")
    status = models.CharField(_("entitlement"), max_length=16, choices=EntitlementStatus.choices)
    covered = models.JSONField(_("covered"), default=list, help_text=_("Kinds of line the customer does not pay."))
    period_end = models.DateField(_("covered until"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=limits.SHORT_TEXT)
    decided_on = models.DateField(_("decided for"))
    rule = models.ForeignKey(ChargingRule, verbose_name=_("charging rule"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    overridden = models.BooleanField(_("overridden"), default=False)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("overridden by"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    override_reason = models.TextField(_("reason for the override"), blank=True, max_length=limits.SHORT_TEXT)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TicketScopedQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")

    def __str__(self):
        return f"{self.ticket.number} {self.get_status_display()}"


class Quote(VersionedModel):
    """A quote for the work on a request, priced by the request's charging rule and the price list
    version in force on the day of the work; the customer accepts it before paid work (P10.3).

    It keeps what priced it: the rule and its version, the price list version, the entitlement and
    its reason at the time.  Lines change only while it is a draft; once accepted its lines are
    posted to the ledger (ChargeEntry) and it never changes again.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.PROTECT,
                               related_name="quotes")
    status = models.CharField(_("status"), max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    rule = models.ForeignKey(ChargingRule, verbose_name=_("charging rule"), on_delete=models.PROTECT,
                             related_name="quotes")
    rule_version = models.PositiveIntegerField(_("rule version"))
    price_list_version = models.ForeignKey(PriceListVersion, verbose_name=_("price list version"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="quotes")
    entitlement_status = models.CharField(_("entitlement"), max_length=16, choices=EntitlementStatus.choices)
    entitlement_reason = models.TextField(_("reason"), max_length=limits.SHORT_TEXT)
    covered = models.JSONField(_("covered"), default=list)
    work_at = models.DateTimeField(_("work done at"))
    time_classes = models.JSONField(_("time of the work"), default=list, blank=True)
    total = models.DecimalField(_("total (tax incl.)"), default=Decimal("0.00"), **MONEY)
    tax_total = models.DecimalField(_("VAT"), default=Decimal("0.00"), **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                                   related_name="+")
    proposed_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = TicketScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"BJ{self.pk:08d}" if self.pk else ""

    @property
    def receipt_number(self) -> str:
        return f"SJ{self.pk:08d}" if self.pk and self.status == QuoteStatus.ACCEPTED else ""

    @property
    def is_draft(self) -> bool:
        return self.status == QuoteStatus.DRAFT


class QuoteLine(models.Model):
    """One line of a quote: what was recorded (kind, part, quantity) and how it was priced."""

    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices)
    part = models.ForeignKey(Part, verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    description = models.CharField(_("description"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    entered_price = models.DecimalField(_("actual cost (tax incl.)"), null=True, blank=True, **MONEY)
    list_price = models.DecimalField(_("list price"), null=True, blank=True, **MONEY)
    unit_price = models.DecimalField(_("unit price (tax incl.)"), default=Decimal("0.00"), **MONEY)
    amount = models.DecimalField(_("amount (tax incl.)"), default=Decimal("0.00"), **MONEY)
    vat_kind = models.CharField(_("VAT kind"), max_length=16, choices=VatKind.choices)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4, default=Decimal(0))
    tax = models.DecimalField(_("VAT"), default=Decimal("0.00"), **MONEY)
    basis = models.CharField(_("priced"), max_length=16)
    note = models.CharField(_("charging rule"), max_length=300, blank=True)
    derived = models.BooleanField(_("derived"), default=False, help_text=_("A surcharge the rule adds."))

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "derived", "position", "id"]

    def __str__(self):
        return f"{self.description} ¥{self.amount}"


class EntryQuerySet(TicketScopedQuerySet):
    def update(self, **kwargs):
        raise TypeError("the ledger is append-only: post a reversal instead")

    def delete(self):
        raise TypeError("the ledger is append-only: post a reversal instead")


class ChargeEntry(models.Model):
    """One entry of the ledger of money (append-only: never changed or deleted; a correction is a
    reversal entry naming the one it reverses).  Traceable to the quote line, the rule and the
    price list version that priced it."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.PROTECT,
                               related_name="charges")
    quote = models.ForeignKey(Quote, verbose_name=_("quote"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="entries")
    line = models.ForeignKey(QuoteLine, verbose_name=_("quote line"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="entries")
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices, default=EntryKind.CHARGE)
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount (tax incl.)"), **MONEY)
    tax = models.DecimalField(_("VAT"), **MONEY)
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    reason = models.TextField(_("reason"), blank=True, max_length=limits.SHORT_TEXT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.ticket.number} {self.description} ¥{self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("the ledger is append-only: post a reversal instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("the ledger is append-only: post a reversal instead")
