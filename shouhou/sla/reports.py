"""Read-only views of clocks: explanation, "breaching soon", monthly compliance (issue 3)."""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from shouhou.core.hooks import Promise

from .choices import ClockState, TargetKind
from .models import WORKING_UNITS, Clock
from .services.clocks import explain_clock

# Targets a reporter is told about on intake (issue 3): when someone calls back / responds,
# arrives, proposes a solution, fixes it.  Dispatch, loaner, report and follow-up clocks are
# internal or conditional, so they are not promised up front.
PROMISED_KINDS = (TargetKind.CALLBACK, TargetKind.RESPONSE, TargetKind.ARRIVAL, TargetKind.SOLUTION,
                  TargetKind.RESOLUTION)


def ticket_promises(ticket) -> list[Promise]:
    """The core.hooks promise provider: per promised kind, the earliest due running clock.

    One query.  Paused clocks have no due time and met ones are kept already, so both are left out.
    """
    if ticket is None or not ticket.pk:
        return []
    rows = (Clock.objects.filter(ticket_id=ticket.pk, state=ClockState.RUNNING, due_at__isnull=False,
                                 kind__in=PROMISED_KINDS).order_by("due_at", "id").values_list("kind", "due_at"))
    earliest: dict[str, datetime] = {}
    for kind, due_at in rows:
        earliest.setdefault(kind, due_at)
    return [Promise(kind=kind, label=str(TargetKind(kind).label), due_at=due_at) for kind, due_at in earliest.items()]


def _holiday_note(clock: Clock) -> dict:
    """Issue 8: whether the clock counts on provisional holidays, and the calendar's official horizon."""
    calendar = clock.calendar if clock.calendar_id else None
    counted = clock.unit in WORKING_UNITS and calendar is not None
    return {"provisional": clock.is_provisional,
            "official_holidays_until": calendar.known_until if counted and calendar.statutory else None,
            "provisional_years": calendar.provisional_years() if counted else [],
            "calendar_name": calendar.name if calendar else ""}


def explain_payload(clock: Clock, now: datetime | None = None) -> dict:
    """The clock, recomputed with the events that started, paused, resumed and stopped it."""
    result = explain_clock(clock, now)
    holidays = _holiday_note(clock)
    if result is None:
        return {"clock": clock, "state": clock.state, "due_at": clock.due_at, "budget_seconds": clock.budget_seconds,
                "used_seconds": clock.used_seconds, "wall_seconds": 0.0, "paused_seconds": clock.paused_seconds,
                "margin_seconds": None, "steps": [], **holidays}
    return {**holidays,
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
    now = now or timezone.now()
    start, end = month_bounds(month)
    rows: dict[int, ComplianceRow] = {}
    clocks = (Clock.objects.filter(ticket__contract=contract, started_at__gte=start, started_at__lt=end)
              .exclude(state=ClockState.CANCELLED).exclude(exemptions__state="approved").select_related("target").order_by("target__order", "target_id"))
    for clock in clocks:
        row = rows.setdefault(clock.target_id, ComplianceRow(clock.name, clock.target.commitment))
        if clock.state == ClockState.MET:
            row.met += 1
        elif clock.state == ClockState.BREACHED:
            row.breached += 1
            row.worst_late_seconds = max(row.worst_late_seconds, clock.late_seconds or 0.0)
        elif clock.state == ClockState.RUNNING and clock.due_at is not None and clock.due_at < now:
            row.breached += 1  # past due, not yet marked by the scan
            row.worst_late_seconds = max(row.worst_late_seconds, (now - clock.due_at).total_seconds())
        else:
            row.open += 1
    return Compliance(rows=list(rows.values()))


MONTH_FORMAT = "YYYY-MM"


def parse_month(text: str | None) -> str:
    """"2026-03" as given, the current local month when empty; ValueError for anything else."""
    if not text:
        return timezone.localdate().strftime("%Y-%m")
    year, _sep, mon = text.partition("-")
    if not (len(year) == 4 and year.isdigit() and len(mon) == 2 and mon.isdigit() and 1 <= int(mon) <= 12):
        raise ValueError(text)
    return text


def _percent(met: int, breached: int) -> float | None:
    judged = met + breached
    return round(100.0 * met / judged, 1) if judged else None


def compliance_by_kind(clocks, month: str, now: datetime | None = None) -> dict:
    """Monthly compliance per target kind over `clocks` (already scoped by the caller).

    Counts the clocks *started* in `month` (local time), cancelled ones left out: `met`,
    `breached` (an open clock past its due time counts as breached even before the scan marks
    it), `running` (still open and not yet due, or paused) and `total`.  `compliance_percent` is
    met / (met + breached) — clocks still running are not judged yet — or None when nothing
    was judged.  One aggregate query.  Returns {"kinds": [...], "total": {...}}.
    """
    now = now or timezone.now()
    start, end = month_bounds(month)
    late_open = Q(state=ClockState.RUNNING, due_at__lt=now)
    still_running = (Q(state=ClockState.PAUSED) | Q(state=ClockState.RUNNING, due_at__isnull=True)
                     | Q(state=ClockState.RUNNING, due_at__gte=now))
    rows = (clocks.filter(started_at__gte=start, started_at__lt=end).exclude(state=ClockState.CANCELLED)
            .exclude(exemptions__state="approved")  # an approved breach exemption (免责) does not count
            .order_by().values("kind")
            .annotate(total=Count("id"), met=Count("id", filter=Q(state=ClockState.MET)),
                      breached=Count("id", filter=Q(state=ClockState.BREACHED) | late_open),
                      running=Count("id", filter=still_running)))
    order = {value: index for index, value in enumerate(TargetKind.values)}
    kinds = []
    total = {"total": 0, "met": 0, "breached": 0, "running": 0}
    for row in sorted(rows, key=lambda r: order.get(r["kind"], len(order))):
        counts = {key: row[key] for key in total}
        for key in total:
            total[key] += counts[key]
        label = TargetKind(row["kind"]).label if row["kind"] in order else row["kind"]
        kinds.append({"kind": row["kind"], "label": str(label), **counts,
                      "compliance_percent": _percent(counts["met"], counts["breached"])})
    return {"kinds": kinds, "total": {**total, "compliance_percent": _percent(total["met"], total["breached"])}}
