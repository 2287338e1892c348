"""Penalties, compensation records and breach exemptions as data (issue 8, "What a plan can say").

Imported by sla/models.py so Django sees the models in the sla app.  The arithmetic is the pure
module penalties.py; the writes are services/penalties.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core import limits
from shouhou.core.audit import AuditedRecords
from shouhou.tickets.models import Attachment, Ticket

from . import penalties


class PenaltyBasis(models.TextChoices):
    HOUR = penalties.HOUR, _("per hour late (pro rata)")
    STARTED_HOUR = penalties.STARTED_HOUR, _("per started hour late")


class TargetPenalty(models.Model):
    """A target's penalty: `rate` CNY per (started) hour late, at most `cap_per_ticket` per ticket."""

    target = models.OneToOneField("sla.Target", verbose_name=_("target"), on_delete=models.CASCADE,
                                  related_name="penalty")
    rate = models.DecimalField(_("amount per hour late (CNY)"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("counted"), max_length=16, choices=PenaltyBasis.choices,
                             default=PenaltyBasis.STARTED_HOUR)
    cap_per_ticket = models.DecimalField(_("cap per request (CNY)"), max_digits=12, decimal_places=2,
                                         null=True, blank=True)

    history = AuditedRecords(part_of="target")

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")

    def __str__(self):
        return f"{self.target_id}: {self.rate}/{self.get_basis_display()}"

    def clean(self):
        if self.rate is not None and self.rate < 0:
            raise ValidationError({"rate": _("The amount cannot be negative.")})
        if self.cap_per_ticket is not None and self.cap_per_ticket < 0:
            raise ValidationError({"cap_per_ticket": _("The cap cannot be negative.")})

    def term(self) -> penalties.PenaltyTerm:
        return penalties.PenaltyTerm(rate=self.rate, basis=self.basis, cap_per_ticket=self.cap_per_ticket)


class PlanPenaltyCap(models.Model):
    """A plan's monthly cap on penalties: a fixed amount, a share of the contract fee, or both (smaller wins)."""

    plan = models.OneToOneField("sla.ServicePlan", verbose_name=_("plan"), on_delete=models.CASCADE,
                                related_name="penalty_cap")
    monthly_cap = models.DecimalField(_("cap per month (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True)
    monthly_cap_share = models.DecimalField(_("cap per month (share of the monthly fee)"), max_digits=5,
                                            decimal_places=4, null=True, blank=True,
                                            help_text=_("E.g. 0.1 for ten per cent of the monthly contract fee."))
    monthly_fee = models.DecimalField(_("monthly contract fee (CNY)"), max_digits=12, decimal_places=2,
                                      null=True, blank=True)

    history = AuditedRecords(part_of="plan")

    class Meta:
        verbose_name = _("penalty cap")
        verbose_name_plural = _("penalty caps")

    def __str__(self):
        return str(self.cap or "—")

    @property
    def cap(self):
        return penalties.monthly_cap(self.monthly_cap, self.monthly_cap_share, self.monthly_fee)


class CompensationStatus(models.TextChoices):
    DUE = "due", _("due")
    EXEMPTED = "exempted", _("exempted")


class CompensationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Compensation of the tickets the user sees (the ticket's one scoping rule)."""
        return self.filter(ticket__in=Ticket.objects.visible_to(user))


class Compensation(models.Model):
    """What a breach costs: written once per late clock when it stops (met late, or closed breached).

    `amount` is the penalty after the ticket cap (Decimal CNY); the month's cap is applied on the
    statement.  Evidence (P13.9): never deleted; an approved exemption marks it exempted.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.CASCADE,
                               related_name="compensations")
    clock = models.OneToOneField("sla.Clock", verbose_name=_("clock"), on_delete=models.PROTECT,
                                 related_name="compensation")
    contract = models.ForeignKey("contracts.Contract", verbose_name=_("contract"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the local month the clock stopped in
    late_seconds = models.FloatField(_("late by"))
    rate = models.DecimalField(_("amount per hour late (CNY)"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("counted"), max_length=16, choices=PenaltyBasis.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=CompensationStatus.choices,
                              default=CompensationStatus.DUE)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = CompensationQuerySet.as_manager()
    history = AuditedRecords(part_of="ticket")

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensation")
        ordering = ["month", "created_at", "id"]
        indexes = [models.Index(fields=["contract", "month"], name="sla_compensation_month")]

    def __str__(self):
        return f"{self.ticket_id}: {self.amount}"


class ExemptionReason(models.TextChoices):
    REFUSED_ACCESS = "refused_access", _("The customer refused access")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    OTHER = "other", _("Other")


class ExemptionState(models.TextChoices):
    PENDING = "pending", _("pending approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class BreachExemptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(ticket__in=Ticket.objects.visible_to(user))

    def approved(self):
        return self.filter(state=ExemptionState.APPROVED)


class BreachExemption(models.Model):
    """A claim (免责) that a breached clock should not count: reason, explanation and evidence.

    Decided through the approvals app (flow "breach_exemption"); once approved the clock is left
    out of compliance figures and its compensation is exempted.  `ticket` makes the approval's
    steps appear on the ticket's timeline (tickets/approvals.py).
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.CASCADE,
                               related_name="breach_exemptions")
    clock = models.ForeignKey("sla.Clock", verbose_name=_("clock"), on_delete=models.PROTECT,
                              related_name="exemptions")
    reason = models.CharField(_("reason"), max_length=20, choices=ExemptionReason.choices)
    explanation = models.TextField(_("explanation"), max_length=limits.SHORT_TEXT)
    evidence = models.ForeignKey(Attachment, verbose_name=_("evidence"), on_delete=models.PROTECT,
                                 related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=ExemptionState.choices,
                             default=ExemptionState.PENDING)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), on_delete=models.PROTECT,
                                   related_name="+")
    claimed_at = models.DateTimeField(_("exemption claimed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = BreachExemptionQuerySet.as_manager()
    history = AuditedRecords(part_of="ticket")

    class Meta:
        verbose_name = _("breach exemption")
        verbose_name_plural = _("breach exemptions")
        ordering = ["-claimed_at", "-id"]

    def __str__(self):
        return f"{self.clock.name}: {self.get_reason_display()}"
