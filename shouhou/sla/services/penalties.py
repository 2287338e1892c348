"""Compensation for late service and breach exemptions (issue 8, "What a plan can say": penalties).

* `settle_compensations(ticket, clocks)` — called by sync_clocks: a clock that stopped late (met
  late, or closed breached) on a target with a penalty gets one Compensation record (Decimal CNY,
  the ticket cap applied), recorded on the ticket's timeline.  Recomputations keep it in step.
* `claim_exemption(user, clock, …)` — a breach exemption (免责: the customer refused access, force
  majeure) with evidence, submitted to the approvals app's "breach_exemption" flow;
  `on_exemption_finished` follows the outcome: an approved exemption exempts the compensation
  and takes the clock out of the compliance figures (reports.py).
* `monthly_statement(contract, month)` — the month's compensation per contract, the monthly cap
  applied in order of the breaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import require
from shouhou.approvals.choices import Kind, RequestState
from shouhou.approvals.services import submit_request
from shouhou.core.errors import ConflictError, ServiceError
from shouhou.core.formats import duration
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Attachment, Ticket
from shouhou.tickets.services import record_event

from .. import penalties
from ..choices import ClockState
from ..models import BreachExemption, Clock, Compensation, PlanPenaltyCap, TargetPenalty
from ..models_penalties import CompensationStatus, ExemptionReason, ExemptionState
from ..reports import month_bounds

__all__ = ["claim_exemption", "monthly_statement", "on_exemption_finished", "settle_compensations"]


def _late(clock: Clock) -> timedelta | None:
    """Lateness of a clock that stopped after its due time; None for any other clock."""
    if clock.state != ClockState.BREACHED or clock.stopped_at is None or not clock.late_seconds:
        return None
    return timedelta(seconds=clock.late_seconds)


def settle_compensations(ticket: Ticket, clocks, actor=None) -> list[Compensation]:
    """Write or update the compensation of every clock of `ticket` that stopped late (in the caller's
    transaction).  An exempted record is never touched again; a record stays when a reopened ticket
    restarts its clock (evidence, P13.9) and is updated when the clock stops again."""
    late = {c.pk: (c, _late(c)) for c in clocks if c.pk is not None and _late(c) is not None}
    if not late:
        return []
    terms = {p.target_id: p for p in TargetPenalty.objects.filter(target_id__in={c.target_id for c, _l in late.values()})}
    exempted = set(BreachExemption.objects.approved().filter(clock_id__in=late).values_list("clock_id", flat=True))
    existing = {r.clock_id: r for r in Compensation.objects.filter(clock_id__in=late)}
    zone = timezone.get_current_timezone()
    written = []
    for clock_id, (clock, lateness) in late.items():
        term = terms.get(clock.target_id)
        if term is None or clock_id in exempted:
            continue
        amount = penalties.penalty(term.term(), lateness)
        month = clock.stopped_at.astimezone(zone).date().replace(day=1)
        record = existing.get(clock_id)
        if record is not None:
            if record.status != CompensationStatus.DUE or (record.amount, record.month) == (amount, month):
                continue
            record.amount, record.month, record.late_seconds = amount, month, clock.late_seconds
            record.save(update_fields=["amount", "month", "late_seconds"])
        else:
            record = Compensation.objects.create(
                ticket=ticket, clock=clock, contract_id=ticket.contract_id, month=month,
                late_seconds=clock.late_seconds, rate=term.rate, basis=term.basis, amount=amount)
        record_event(ticket, EventKind.CLOCKS, actor, internal=True,
                     body=_("“%(clock)s” was met %(late)s late: compensation %(amount)s CNY.") % {
                         "clock": clock.name, "late": duration(clock.late_seconds), "amount": amount},
                     data={"compensation": record.pk, "amount": str(amount)})
        written.append(record)
    return written


@transaction.atomic
def claim_exemption(user, clock: Clock, *, reason: str, explanation: str, evidence: Attachment) -> BreachExemption:
    """Claim that a breached clock should not count (免责), with evidence; goes to approval.

    Raises PermissionDeniedError `not_permitted`; ServiceError `not_breached` (clock), `bad_reason`
    (reason), `explanation_required` (explanation), `evidence_required` (evidence: an attachment of
    the same request), `no_flow`; ConflictError `already_claimed`.
    """
    ticket = clock.ticket
    require(user, "ticket.claim_exemption", ticket, _("You may not claim breach exemptions for this request."))
    if clock.state != ClockState.BREACHED:
        raise ServiceError("not_breached", _("Only a breached clock can be exempted."), "clock")
    if reason not in ExemptionReason.values:
        raise ServiceError("bad_reason", _("Choose the reason for the exemption."), "reason")
    explanation = (explanation or "").strip()
    if not explanation:
        raise ServiceError("explanation_required", _("Describe what happened (explanation)."), "explanation")
    if evidence is None or evidence.ticket_id != ticket.pk:
        raise ServiceError("evidence_required", _("Attach the evidence to this request first and choose it (evidence)."),
                           "evidence")
    if BreachExemption.objects.filter(clock=clock, state__in=(ExemptionState.PENDING, ExemptionState.APPROVED)).exists():
        raise ConflictError("already_claimed", _("An exemption for this clock is already pending or approved."))
    exemption = BreachExemption.objects.create(ticket=ticket, clock=clock, reason=reason, explanation=explanation,
                                               evidence=evidence, claimed_by=user)
    submit_request(user, exemption, Kind.BREACH_EXEMPTION,
                   title=f"{ticket.number} {clock.name}",
                   summary=f"{exemption.get_reason_display()}：{explanation}")
    return exemption


def on_exemption_finished(sender, request, subject, actor, **kwargs):
    """approvals.signals.request_finished for BreachExemption: follow the outcome (in its transaction)."""
    exemption = BreachExemption.objects.select_for_update().get(pk=subject.pk)
    if exemption.state != ExemptionState.PENDING:
        return
    exemption.state = ExemptionState.APPROVED if request.state == RequestState.APPROVED else ExemptionState.REJECTED
    exemption.decided_at = timezone.now()
    exemption.save(update_fields=["state", "decided_at"])
    if exemption.state == ExemptionState.APPROVED:
        for record in Compensation.objects.filter(clock_id=exemption.clock_id):
            record.status = CompensationStatus.EXEMPTED  # saved row by row: each change has its history row
            record.save(update_fields=["status"])


@dataclass
class StatementLine:
    compensation: Compensation
    payable: Decimal

    @property
    def exempted(self) -> bool:
        return self.compensation.status == CompensationStatus.EXEMPTED


@dataclass
class Statement:
    contract: object
    month: str
    cap: Decimal | None
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def assessed(self) -> Decimal:
        return sum((line.compensation.amount for line in self.lines if not line.exempted), Decimal("0.00"))

    @property
    def exempted(self) -> Decimal:
        return sum((line.compensation.amount for line in self.lines if line.exempted), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return sum((line.payable for line in self.lines), Decimal("0.00"))


def monthly_statement(contract, month: str) -> Statement:
    """The contract's compensation for `month` ("2026-03"): every record, exempted ones at 0, the
    plan's monthly cap applied in order of the breaches (penalties.allocate_monthly_cap)."""
    start, _end = month_bounds(month)
    rows = list(Compensation.objects.filter(contract=contract, month=start.date())
                .select_related("ticket", "clock").order_by("clock__stopped_at", "id"))
    cap_row = PlanPenaltyCap.objects.filter(plan__contract=contract).first()
    cap = cap_row.cap if cap_row else None
    due = [r for r in rows if r.status == CompensationStatus.DUE]
    payable = dict(zip((r.pk for r in due), penalties.allocate_monthly_cap([r.amount for r in due], cap), strict=True))
    lines = [StatementLine(r, payable.get(r.pk, Decimal("0.00"))) for r in rows]
    return Statement(contract=contract, month=month, cap=cap, lines=lines)
