"""Read-only views of clocks: explanation, "breaching soon", monthly compliance (issue 3)."""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .choices import ClockState
from .models import Clock
from .services.clocks import explain_clock


def explain_payload(clock: Clock, now: datetime | None = None) -> dict:
    """The clock, recomputed with the events that started, paused, resumed and stopped it."""
    result = explain_clock(clock, now)
    if result is None:
        return {"clock": clock, "state": clock.state, "due_at": clock.due_at, "budget_seconds": clock.budget_seconds,
                "used_seconds": clock.used_seconds, "wall_seconds": 0.0, "paused_seconds": clock.paused_seconds,
                "margin_seconds": None, "steps": []}
    return {
        "clock": clock, "state": result.state, "due_at": result.due_at,
        "budget_seconds": result.budget.total_seconds(), "used_seconds": result.used.total_seconds(),
        "wall_seconds": result.wall.total_seconds(), "paused_seconds": result.paused.total_seconds(),
        "margin_seconds": result.margin.total_seconds() if result.margin is not None else None,
        "steps": [{"at": s.at, "what": s.what, "label": s.label, "used_seconds": s.used.total_seconds(),
                   "wall_seconds": s.wall.total_seconds(), "event": s.ref} for s in result.steps],
    }


def breaching_soon(user, within: timedelta = timedelta(hours=1), now: datetime | None = None):
    """Running clocks of visible tickets that fall due within `within` (or already have, still open).

    Served by the (state, due_at) index.
    """
    now = now or timezone.now()
    return (Clock.objects.visible_to(user)
            .filter(Q(state=ClockState.RUNNING, due_at__lte=now + within) |
                    Q(state=ClockState.BREACHED, stopped_at__isnull=True))
            .select_related("ticket", "target").order_by("due_at", "id"))


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """"2026-03" → [local first instant, local first instant of next month)."""
    year, mon = (int(part) for part in month.split("-", 1))
    first = date(year, mon, 1)
    last_day = pycal.monthrange(year, mon)[1]
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(date(year, mon, last_day), time.min, tzinfo=zone) + timedelta(days=1)
    return start, end


@dataclass
class ComplianceRow:
    name: str
    commitment: str
    met: int = 0
    breached: int = 0
    open: int = 0
    worst_late_seconds: float = 0.0

    @property
    def judged(self) -> int:
        return self.met + self.breached

    @property
    def rate(self) -> float | None:
        return round(100.0 * self.met / self.judged, 1) if self.judged else None


@dataclass
class Compliance:
    rows: list[ComplianceRow] = field(default_factory=list)

    @property
    def total(self) -> ComplianceRow:
        row = ComplianceRow(name="", commitment="")
        for r in self.rows:
            row.met += r.met
            row.breached += r.breached
            row.open += r.open
            row.worst_late_seconds = max(row.worst_late_seconds, r.worst_late_seconds)
        return row


def contract_compliance(contract, month: str, now: datetime | None = None) -> Compliance:
    """Per target: clocks started in `month` on the contract's tickets — met, breached, still open.

    Cancelled clocks are left out; an open clock past due counts as breached.
    """
    start, end = month_bounds(month)
    rows: dict[int, ComplianceRow] = {}
    clocks = (Clock.objects.filter(ticket__contract=contract, started_at__gte=start, started_at__lt=end)
              .exclude(state=ClockState.CANCELLED).select_related("target").order_by("target__order", "target_id"))
    for clock in clocks:
        row = rows.setdefault(clock.target_id, ComplianceRow(clock.name, clock.target.commitment))
        if clock.state == ClockState.MET:
            row.met += 1
        elif clock.state == ClockState.BREACHED:
            row.breached += 1
            row.worst_late_seconds = max(row.worst_late_seconds, clock.late_seconds or 0.0)
        else:
            row.open += 1
    return Compliance(rows=list(rows.values()))
