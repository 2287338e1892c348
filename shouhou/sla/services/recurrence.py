"""A fix counts only if it stays fixed (issue 8, "What a plan can say"): the plan's recurrence window.

When a report arrives for a unit whose previous request was resolved no more than
`PlanClauses.recurrence_days` days before the report was received, the intake links them
(`link_recurrence`, run by the ticket_opened hook in the intake's transaction):

* the new request is a repeat of the earlier one (`Ticket.repeat_of`, REPEAT_REPORTED on its
  timeline) and is measured like any request — its own arrival and resolution clocks run;
* the earlier request gets FIX_NOT_HELD on its timeline, which the evaluation reads as the clock
  event "recurred": its resolution targets (those stopping at resolution, confirmation, closure or
  sign-off) count as breached — the fix was not kept — in the ticket's clocks and in the
  compliance report.  The earlier request's status is not changed: its visit records are signed
  and closed, and the new work happens on the new request.

"The same fault": a request carries no fault category or symptom code, so any new report on the
same unit (asset) counts; a report without a unit is never a repeat.  The window is the earlier
request's plan's (the plan whose promise the fix was measured by), in calendar days from its
resolution; the earlier request must still be resolved, confirmed or closed (a reopened one is
being worked on again, a cancelled one fixed nothing).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.dateparse import parse_datetime

from shouhou.tickets.choices import EventKind, Status
from shouhou.tickets.models import Ticket, TicketEvent
from shouhou.tickets.services import mark_repeat

from ..models_clauses import clauses_of
from .clocks import plan_for_ticket

FIXED_STATES = (Status.RESOLVED, Status.CUSTOMER_CONFIRMED, Status.CLOSED)


def report_instant(ticket: Ticket, event=None) -> datetime:
    """When the report was received: the intake event's `at` (a back-dated report), else its creation."""
    if event is None or event.kind != EventKind.CREATED:
        event = TicketEvent.objects.filter(ticket_id=ticket.pk, kind=EventKind.CREATED).order_by("id").first()
    data = getattr(event, "data", None) or {}
    at = parse_datetime(data["at"]) if data.get("at") else None
    return at or getattr(event, "created_at", None) or ticket.created_at


def earlier_fix(ticket: Ticket, at: datetime) -> tuple[Ticket, int] | None:
    """The earlier request on the same unit whose fix this report breaks, with its window in days."""
    if ticket.asset_id is None:
        return None
    previous = (Ticket.objects.filter(asset_id=ticket.asset_id, status__in=FIXED_STATES, resolved_at__isnull=False,
                                      resolved_at__lte=at)
                .exclude(pk=ticket.pk).order_by("-resolved_at", "-id").first())
    if previous is None or Ticket.objects.filter(repeat_of=previous).exists():
        return None  # a fix is broken once: a further report is a duplicate of the open repeat
    clauses = clauses_of(plan_for_ticket(previous))
    days = clauses.recurrence_days if clauses is not None else None
    if not days or at - previous.resolved_at > timedelta(days=days):
        return None
    return previous, days


def link_recurrence(ticket: Ticket, actor=None, event=None) -> Ticket | None:
    """Link a new report to the fix it breaks, if any (see the module docstring); the earlier one."""
    at = report_instant(ticket, event)
    found = earlier_fix(ticket, at)
    if found is None:
        return None
    previous, days = found
    mark_repeat(actor, ticket, previous, at=at, window_days=days)
    return previous
