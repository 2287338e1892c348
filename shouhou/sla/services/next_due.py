"""Keep `Ticket.next_due_at` in step with the ticket's clocks (issue 3: lists sort and filter by "next due").

`next_due_at` is derived data: the earliest due time among the ticket's clocks that still run —
running clocks, and breached clocks that have not stopped yet (they are overdue, and an overdue
request must stay at the top of a "next due" list and match the "overdue" filter).  Paused,
met and cancelled clocks do not count; a ticket with none of the others gets None.

Derived data changes no one's edit: no version bump, no `updated_at`, no timeline entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Min, OuterRef, Q, Subquery

from shouhou.tickets.models import Ticket

from ..choices import ClockState
from ..models import Clock

# Clocks whose due time still lies ahead of the work (or has passed while the work goes on).
DUE_CLOCKS = Q(state=ClockState.RUNNING) | Q(state=ClockState.BREACHED, stopped_at__isnull=True)
# From this many changed rows on, PostgreSQL writes with one UPDATE … FROM unnest().
UNNEST_FROM = 50


def _chunk_size() -> int:
    # SQLite caps bound parameters per statement; PostgreSQL takes large IN lists happily.
    return 900 if connection.vendor == "sqlite" else 10_000


def next_due_subquery():
    """Per ticket (OuterRef "pk"): MIN(due_at) of its due clocks, served by the clocks' ticket index."""
    return Subquery(
        Clock.objects.filter(DUE_CLOCKS, ticket_id=OuterRef("pk"), due_at__isnull=False)
        .order_by().values("ticket_id").annotate(first_due=Min("due_at")).values("first_due")[:1]
    )


def refresh_next_due(ticket_ids: Iterable[int]) -> int:
    """Recompute `next_due_at` for `ticket_ids` from their clocks; returns how many tickets changed.

    Per chunk of ids: one aggregate read (each ticket's stored value beside MIN(due_at) of its due
    clocks) and one bulk write of the rows that changed — so a batch recompute (a calendar edit
    touching many tickets) costs a few statements, not a few per ticket, and the common case
    (nothing moved) writes nothing.  Call it after the clocks were written, in the same transaction.
    """
    ids = sorted({int(pk) for pk in ticket_ids if pk is not None})
    size = _chunk_size()
    changed = 0
    for start in range(0, len(ids), size):
        rows = (Ticket.objects.filter(pk__in=ids[start:start + size]).order_by()
                .annotate(fresh_due=next_due_subquery()).values_list("pk", "next_due_at", "fresh_due"))
        updates = [(pk, fresh) for pk, stored, fresh in rows if stored != fresh]
        _write(updates)
        changed += len(updates)
    return changed


def _write(updates: list[tuple[int, object]]) -> None:
    """Store (ticket id, next due) pairs: UPDATE … FROM unnest() on PostgreSQL (bulk_update's CASE
    per row is slow at batch sizes), bulk_update elsewhere.  `updated_at` and `version` stay."""
    if not updates:
        return
    if connection.vendor == "postgresql" and len(updates) >= UNNEST_FROM:
        table = Ticket._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET next_due_at = v.due "  # noqa: S608 - the table name is ours
                "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::timestamptz[]) AS due) AS v WHERE t.id = v.id",
                [[pk for pk, _due in updates], [due for _pk, due in updates]],
            )
        return
    Ticket.objects.bulk_update([Ticket(pk=pk, next_due_at=due) for pk, due in updates], ["next_due_at"],
                               batch_size=500)


__all__ = ["DUE_CLOCKS", "next_due_subquery", "refresh_next_due"]
