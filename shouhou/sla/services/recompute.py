"""Recompute open clocks after a calendar edit — vectorised for the common case (issue 3).

A running clock that was never paused has one running stretch, from `resumed_at`; its due time
is `resumed_at + (budget − consumed)` working time on its calendar, which
worktime.add_working_batch computes for a whole batch at once.  Everything else (paused clocks,
working-day targets whose budget itself depends on the calendar, already breached clocks) goes
through the exact per-ticket `sync_clocks`.  Changed due times are recorded in each ticket's
timeline (EventKind.CLOCKS) with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import TicketEvent

from ..choices import ClockState, Unit
from ..models import Clock, WorkingCalendar
from ..worktime import add_working_batch
from .clocks import calendar_value, sync_clocks

FAST_UNITS = (Unit.WORKING_MINUTES, Unit.WORKING_HOURS)


def _write_dues(clocks: list[Clock]) -> None:
    """Store new due / next-escalation instants: one UPDATE … FROM unnest() per batch on
    PostgreSQL (bulk_update's CASE per row is far slower at this size), bulk_update elsewhere."""
    if not clocks:
        return
    if connection.vendor != "postgresql":
        Clock.objects.bulk_update(clocks, ["due_at", "next_escalation_at"], batch_size=2000)
        return
    table = Clock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET due_at = v.due, next_escalation_at = v.nxt "  # noqa: S608 - table name is ours
            "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::timestamptz[]) AS due, "
            "unnest(%s::timestamptz[]) AS nxt) AS v WHERE c.id = v.id",
            [[c.pk for c in clocks], [c.due_at for c in clocks], [c.next_escalation_at for c in clocks]],
        )


def recompute_calendar_clocks(calendar: WorkingCalendar, *, reason: str, actor=None, batch_size: int = 20000) -> dict:
    """Bring every open clock counted on `calendar` in line with its current days; returns counts."""
    import numpy as np

    calendar.refresh_from_db()
    cal = calendar_value(calendar)
    now = timezone.now()
    fast_qs = Clock.objects.filter(calendar=calendar, state=ClockState.RUNNING, unit__in=FAST_UNITS,
                                   resumed_at__isnull=False, paused_seconds=0)
    changed = checked = 0
    last_pk = 0
    while True:
        rows = list(fast_qs.filter(pk__gt=last_pk).order_by("pk")
                    .values_list("pk", "ticket_id", "resumed_at", "budget_seconds", "consumed_seconds", "due_at",
                                 "next_escalation_at")[:batch_size])
        if not rows:
            break
        last_pk = rows[-1][0]
        starts = np.array([r[2].timestamp() for r in rows], dtype=np.float64)
        left = np.array([r[3] - r[4] for r in rows], dtype=np.float64)
        dues = add_working_batch(cal, starts, left)
        updates, events = [], []
        for row, due_epoch in zip(rows, dues, strict=True):
            pk, ticket_id, _resumed, _b, _c, old_due, old_next = row
            new_due = datetime.fromtimestamp(round(float(due_epoch), 6), UTC)
            checked += 1
            if old_due is not None and abs((new_due - old_due).total_seconds()) < 0.001:
                continue
            clock = Clock(pk=pk, due_at=new_due, next_escalation_at=old_next)
            if old_next is not None and old_due is not None and new_due < old_due:
                clock.next_escalation_at = old_next - (old_due - new_due)  # never later than the true instant
            updates.append(clock)
            events.append(TicketEvent(ticket_id=ticket_id, kind=EventKind.CLOCKS, actor=actor, body=reason, internal=True,
                                      data={"reason": reason, "changes": [{"clock_id": pk,
                                            "before": old_due.isoformat() if old_due else None,
                                            "after": new_due.isoformat()}]}))
        with transaction.atomic():
            _write_dues(updates)
            TicketEvent.objects.bulk_create(events, batch_size=5000)
        changed += len(updates)
    slow_tickets = (Clock.objects.filter(calendar=calendar, state__in=(ClockState.RUNNING, ClockState.PAUSED,
                                                                        ClockState.BREACHED), stopped_at__isnull=True)
                    .exclude(pk__in=fast_qs.values("pk")).values_list("ticket_id", flat=True).distinct())
    slow = 0
    for ticket_id in list(slow_tickets):
        with transaction.atomic():
            from shouhou.tickets.models import Ticket

            sync_clocks(Ticket(pk=ticket_id), actor=actor, reason=reason, now=now, record=True)
        slow += 1
    return {"checked": checked, "changed": changed, "slow_tickets": slow}
