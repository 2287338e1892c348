"""Evaluate a service plan against one ticket: every clock, exactly, from the event log (issue 3).

Pure module (no Django import; architecture.md "pure cores"): plain values in, plain values out,
so clocks can always be recomputed — after a change of severity, level, zone, contract or
calendar — and the result never depends on what was stored before.  Paused time is not state
that a recomputation could lose: it is re-derived from the statuses in the log every time.

Vocabulary
----------
* An :class:`Event` is one entry of the ticket's log: when, which clock events it carries
  (``received``, ``contacted``, ``arrived``, ``resolved`` …) and the ticket status after it.
* A :class:`Rule` is one target of the plan: duration + unit (+ calendar for working units),
  start and stop event, and its scope (severities, service levels, zones, warranty).
* A clock *runs* from the first start event while the ticket is not in one of the pause statuses
  (the target's own when it has them, else the plan's) and not stopped.  It stops at the first stop event after the start.  Targets that
  stop before resolution (contact, dispatch, arrival, solution, loaner) also stop when the
  ticket is resolved — a fault fixed by phone needs no visit.  A reopened ticket restarts
  clocks that stopped at resolution; the time in between counts as paused.  A cancelled
  ticket cancels clocks still running.
* A fix that does not hold (the event ``recurred``: the same unit reported again within the
  plan's recurrence window, issue 8) makes a clock that stopped at resolution *breached*,
  whatever its margin: the promise was to fix it, and it was not fixed.  ``recurred_at`` says
  when; the stop stays where it was (no lateness, so no penalty per hour late).  A later reopen
  restarts the clock as usual and its next stop is judged afresh; ``recurrence_withdrawn`` (the
  desk judged the repeat a different fault) makes the stop count as before.
* The *budget* is the target as clock time: wall time for minutes / hours / calendar days,
  working time for working minutes / hours.  "N working days" is the working time from the
  start to the end of the N-th working day after the start's date (worktime.add_duration), so
  a pause pushes it out by exactly the working time it lasted.  "N half working days" is N ×
  half the calendar's working day length of working time (units.py defines every unit).
* The *due* instant is where the running stretches have used the whole budget.  A stopped
  clock is met when it stopped no later than its due instant, else breached; an open clock is
  breached once its due instant has passed.  A paused clock with budget left has no due
  instant (it cannot fall due while paused).

Unknown warranty status counts as in warranty (the stricter promise) until someone sets it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from .units import HALF_DAYS, as_working_time
from .worktime import PLAIN_UNITS, WorkCalendar, add_duration, working_time_between

__all__ = [
    "EARLY_STOPS",
    "ClockResult",
    "Event",
    "Facts",
    "Plan",
    "Rule",
    "Step",
    "applies",
    "evaluate",
    "evaluate_rule",
    "instant_at_share",
]

# Stop events that come before resolution: resolution stops such clocks too.
EARLY_STOPS = frozenset({"contacted", "accepted", "assigned", "arrived", "solution_proposed", "loaner_provided",
                         "arranged", "appointment_booked", "parts_ordered", "parts_on_site"})
# Stop events undone by a reopened ticket.
RESOLUTION_STOPS = frozenset({"resolved", "confirmed", "closed", "signed_off"})  # signed_off: sla/signoff.py
# The fix did not hold (issue 8): a resolution stop before it no longer counts as kept.
RECURRED = "recurred"
RECURRENCE_WITHDRAWN = "recurrence_withdrawn"  # the desk judged the repeat a different fault

_PLAIN_SECONDS = {"minutes": 60, "hours": 3600, "calendar_days": 86400}
_WORKING_SECONDS = {"working_minutes": 60, "working_hours": 3600}


@dataclass(frozen=True)
class Facts:
    """What a target's scope is matched against."""

    severity: int
    service_level: str = ""
    zone: str | None = None
    in_warranty: bool | None = None


@dataclass(frozen=True)
class Event:
    """One log entry: instant, clock events it carries, ticket status after it (None: unchanged)."""

    at: datetime
    names: frozenset[str] = frozenset()
    status: str | None = None
    label: str = ""
    ref: object = None


@dataclass(frozen=True)
class Rule:
    """One target of a plan, as plain values."""

    key: object
    amount: Decimal | Fraction | int | float
    unit: str
    start_event: str
    stop_event: str
    calendar: WorkCalendar | None = None
    kind: str = ""
    name: str = ""
    severities: frozenset[int] = frozenset()
    levels: frozenset[str] = frozenset()
    zones: frozenset[str] = frozenset()
    warranty: str = "any"
    pauses: frozenset[str] | None = None  # this target's pausing statuses; None: the plan's


@dataclass(frozen=True)
class Plan:
    rules: tuple[Rule, ...]
    pause_statuses: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Step:
    """One line of a clock's explanation: what happened to it, and the time used at that point."""

    at: datetime
    what: str  # start | pause | resume | stop | reopen | recurred | withdrawn | cancel | due
    label: str
    used: timedelta  # clock time (working time for working units) used up to here
    wall: timedelta  # wall time since the start
    ref: object = None


@dataclass(frozen=True)
class ClockResult:
    """A clock at instant ``now``; timedeltas are exact to the microsecond."""

    key: object
    state: str  # running | paused | met | breached | cancelled
    started_at: datetime
    due_at: datetime | None
    stopped_at: datetime | None
    budget: timedelta
    used: timedelta
    wall: timedelta
    paused: timedelta
    pauses: tuple[tuple[datetime, datetime | None], ...]
    segments: tuple[tuple[datetime, datetime | None], ...]
    resumed_at: datetime | None
    consumed: timedelta  # clock time used before ``resumed_at``
    margin: timedelta | None  # due minus stop (or now): positive = time to spare, negative = late
    steps: tuple[Step, ...] = field(default=())
    recurred_at: datetime | None = None  # the fix did not hold: the stop is not kept (issue 8)

    @property
    def is_open(self) -> bool:
        return self.state in ("running", "paused") or (self.state == "breached" and self.stopped_at is None)


def applies(rule: Rule, facts: Facts) -> bool:
    """True when the target's scope covers the ticket's facts (empty scope lists mean "any")."""
    if rule.severities and facts.severity not in rule.severities:
        return False
    if rule.levels and facts.service_level not in rule.levels:
        return False
    if rule.zones and facts.zone not in rule.zones:
        return False
    if rule.warranty == "in":
        return facts.in_warranty is not False
    if rule.warranty == "out":
        return facts.in_warranty is False
    return True


class _Meter:
    """Measures and adds clock time for one rule: wall time or the calendar's working time."""

    def __init__(self, rule: Rule):
        self.working = rule.unit not in PLAIN_UNITS
        if self.working and rule.calendar is None:
            raise ValueError(f"target {rule.key!r} counts working time but has no calendar")
        self.cal = rule.calendar

    def between(self, a: datetime, b: datetime) -> timedelta:
        if not self.working:
            return b - a
        assert self.cal is not None
        return working_time_between(self.cal, a, b)

    def add(self, a: datetime, amount: timedelta) -> datetime:
        if not self.working:
            return a + amount
        assert self.cal is not None
        micros = amount // timedelta(microseconds=1)
        return add_duration(self.cal, a, Fraction(micros, 60_000_000), "working_minutes")


def _budget(rule: Rule, meter: _Meter, start: datetime) -> timedelta:
    amount = Fraction(rule.amount) if not isinstance(rule.amount, float) else Fraction(str(rule.amount))
    if rule.unit in _PLAIN_SECONDS:
        return timedelta(microseconds=round(amount * _PLAIN_SECONDS[rule.unit] * 1_000_000))
    if rule.unit in _WORKING_SECONDS:
        return timedelta(microseconds=round(amount * _WORKING_SECONDS[rule.unit] * 1_000_000))
    if rule.unit == "working_days":
        assert meter.cal is not None
        return meter.between(start, add_duration(meter.cal, start, amount, "working_days"))
    if rule.unit == HALF_DAYS:  # half of the calendar's working day length each (units.py)
        assert meter.cal is not None
        return as_working_time(meter.cal, amount)
    raise ValueError(f"unknown unit {rule.unit!r}")


def _walk_to(meter: _Meter, segments: Sequence[tuple[datetime, datetime | None]],
             budget: timedelta) -> tuple[datetime | None, timedelta]:
    """The instant the running stretches use up ``budget``; (None, left) if they end first."""
    remaining = budget
    for start, end in segments:
        candidate = meter.add(start, remaining)
        if end is None or candidate <= end:
            return candidate, timedelta(0)
        remaining -= meter.between(start, end)
    return None, remaining


def evaluate_rule(rule: Rule, pause_statuses: frozenset[str], events: Sequence[Event], now: datetime,
                  *, explain: bool = False) -> ClockResult | None:
    """The clock of one target, or None when its start event has not happened.

    ``events`` must be sorted by instant (ties keep log order).  ``now`` is the instant the
    open clocks are judged at (it should not precede the last event).
    """
    start_index = next((i for i, e in enumerate(events) if rule.start_event in e.names), None)
    if start_index is None:
        return None
    meter = _Meter(rule)
    status = None
    for event in events[: start_index + 1]:
        status = event.status if event.status is not None else status
    started = events[start_index].at
    stops = {rule.stop_event} | ({"resolved"} if rule.stop_event in EARLY_STOPS else set())
    reopens = rule.stop_event in RESOLUTION_STOPS
    stopped_at: datetime | None = None
    cancelled_at: datetime | None = None
    recurred_at: datetime | None = None
    paused = status in pause_statuses
    since: datetime | None = None if paused else started
    segments: list[tuple[datetime, datetime | None]] = []
    pauses: list[list] = [[started, None]] if paused else []
    marks: list[tuple[datetime, str, str, object]] = [(started, "start", events[start_index].label,
                                                       events[start_index].ref)]
    for event in events[start_index + 1:]:
        if cancelled_at is not None:
            break
        was_running = since is not None
        if event.status is not None:
            status = event.status
        what = ""
        if stopped_at is None and stops & event.names:
            stopped_at, what = event.at, "stop"
        elif stopped_at is None and "cancelled" in event.names:
            cancelled_at, what = event.at, "cancel"
        elif stopped_at is not None and reopens and "reopened" in event.names:
            stopped_at, recurred_at, what = None, None, "reopen"
        elif stopped_at is not None and reopens and recurred_at is None and RECURRED in event.names:
            recurred_at, what = event.at, "recurred"
        elif recurred_at is not None and RECURRENCE_WITHDRAWN in event.names:
            recurred_at, what = None, "withdrawn"
        is_paused = status in pause_statuses
        running = stopped_at is None and cancelled_at is None and not is_paused
        if since is not None and not running:  # i.e. was_running, spelt so mypy narrows `since`
            segments.append((since, event.at))
            since = None
            if stopped_at is None and cancelled_at is None:
                pauses.append([event.at, None])
                what = what or "pause"
            elif what == "stop" and reopens:
                pauses.append([event.at, None])  # closed unless reopened: dropped below if still stopped
        elif not was_running and running:
            since = event.at
            if pauses and pauses[-1][1] is None:
                pauses[-1][1] = event.at
            what = what or "resume"
        if what:
            marks.append((event.at, what, event.label, event.ref))
    if since is not None:
        segments.append((since, None))
    if stopped_at is not None and pauses and pauses[-1][1] is None and pauses[-1][0] == stopped_at:
        pauses.pop()  # the stop itself is not a pause
    budget = _budget(rule, meter, started)
    due, _left = _walk_to(meter, segments, budget)
    end_at = stopped_at or cancelled_at
    if due is None and end_at is not None:
        due = meter.add(end_at, _left)  # when it would have fallen due had it kept running
    closed_segments = [(s, e) for s, e in segments if e is not None]
    consumed = sum((meter.between(s, e) for s, e in closed_segments), timedelta(0))
    resumed_at = since
    used = consumed
    if resumed_at is not None and now > resumed_at:
        used += meter.between(resumed_at, now)
    reference = end_at or now
    paused_wall = sum(((min(e or reference, reference) - s) for s, e in pauses if s < reference), timedelta(0))
    if cancelled_at is not None:
        state = "cancelled"
    elif stopped_at is not None:
        state = "breached" if recurred_at is not None or (due is not None and due < stopped_at) else "met"
    elif due is not None and due <= now:
        state = "breached"
    else:
        state = "paused" if resumed_at is None else "running"
    margin = (due - reference) if due is not None else None
    steps: tuple[Step, ...] = ()
    if explain:
        steps = _explain(meter, started, segments, marks, due, now)
    return ClockResult(
        key=rule.key, state=state, started_at=started, due_at=due, stopped_at=end_at, budget=budget,
        used=used, wall=reference - started, paused=paused_wall,
        pauses=tuple((s, e) for s, e in pauses), segments=tuple(segments), resumed_at=resumed_at,
        consumed=consumed, margin=margin, steps=steps, recurred_at=recurred_at,
    )


def _used_at(meter: _Meter, segments: Sequence[tuple[datetime, datetime | None]], at: datetime) -> timedelta:
    total = timedelta(0)
    for start, end in segments:
        if start >= at:
            break
        stop = at if end is None or end > at else end
        total += meter.between(start, stop)
    return total


def _explain(meter: _Meter, started: datetime, segments: Sequence[tuple[datetime, datetime | None]],
             marks: Sequence[tuple[datetime, str, str, object]], due: datetime | None,
             now: datetime) -> tuple[Step, ...]:
    rows = [(at, what, label, ref) for at, what, label, ref in marks]
    if due is not None and due <= now:
        rows.append((due, "due", "", None))
    rows.sort(key=lambda row: row[0])
    return tuple(Step(at=at, what=what, label=label, used=_used_at(meter, segments, at), wall=at - started, ref=ref)
                 for at, what, label, ref in rows)


def instant_at_share(rule: Rule, result: ClockResult, share: Fraction | Decimal | float) -> datetime | None:
    """When the clock has used ``share`` of its budget (None: not reached while it is paused).

    The basis of "escalate at 75 % of the target elapsed"; pauses push it out like the due time.
    """
    meter = _Meter(rule)
    part = Fraction(share) if not isinstance(share, float) else Fraction(str(share))
    budget = timedelta(microseconds=round(part * (result.budget // timedelta(microseconds=1))))
    instant, _left = _walk_to(meter, result.segments, budget)
    return instant


def evaluate(plan: Plan, facts: Facts, events: Iterable[Event], now: datetime,
             *, explain: bool = False) -> dict[object, ClockResult]:
    """Every clock the plan gives this ticket, keyed by rule key; targets out of scope or not
    yet started are absent.  Deterministic: the same inputs always give the same clocks."""
    ordered = sorted(events, key=lambda e: e.at)
    results: dict[object, ClockResult] = {}
    for rule in plan.rules:
        if not applies(rule, facts):
            continue
        pauses = plan.pause_statuses if rule.pauses is None else rule.pauses
        result = evaluate_rule(rule, pauses, ordered, now, explain=explain)
        if result is not None:
            results[rule.key] = result
    return results
