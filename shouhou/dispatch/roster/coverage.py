"""Duty coverage as interval arithmetic (P2.2 "dealers serve 24 h a day", P14.11 "24 h duty").

Pure: no Django import.  Instants are aware datetimes; an interval is a half-open pair
[start, end).  The roster's shifts are turned into intervals, a 24×7 plan's need for the next N
days is one interval per place (zone, contract), and a gap is what the need leaves uncovered.

- `merge(intervals)`: sorted, disjoint, non-touching union;
- `subtract(span, intervals)`: the parts of `span` no interval covers;
- `weekly_occurrences(...)`: the shifts a weekly pattern generates (Mon–Sun 00:00–08:00 …);
- `coverage_gaps(needs, shifts, start, end)`: the uncovered intervals of every need.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

Interval = tuple[datetime, datetime]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of `intervals` as sorted, disjoint intervals; touching ones are joined, empty ones dropped."""
    out: list[list[datetime]] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1][1] = end
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def subtract(span: Interval, intervals: Iterable[Interval]) -> list[Interval]:
    """The parts of `span` that no interval covers, earliest first."""
    start, end = span
    gaps: list[Interval] = []
    cursor = start
    for a, b in merge(intervals):
        if b <= cursor:
            continue
        if a >= end:
            break
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def at_local(day: date, moment: time, tz: tzinfo) -> datetime:
    """`day` at wall-clock `moment` in `tz` (zoneinfo resolves a gap or fold the usual way)."""
    return datetime.combine(day, moment, tzinfo=tz)


def weekly_occurrences(weekdays: Iterable[int], start: time, end: time, first: date, last: date,
                       tz: tzinfo) -> list[Interval]:
    """The shifts of a weekly pattern from `first` to `last` (inclusive dates the shift starts on).

    `weekdays`: 0 = Monday … 6 = Sunday.  An `end` at or before `start` ends on the next day
    (20:00–08:00 is a night; 00:00–00:00 is 24 hours).
    """
    days = set(weekdays)
    out: list[Interval] = []
    day = first
    while day <= last:
        if day.weekday() in days:
            begin = at_local(day, start, tz)
            finish = at_local(day + timedelta(days=1) if end <= start else day, end, tz)
            out.append((begin, finish))
        day += timedelta(days=1)
    return out


@dataclass(frozen=True)
class Shift:
    """Who is on duty where: `zone` / `contract` None means everywhere / every contract."""

    start: datetime
    end: datetime
    zone: str | None = None
    contract: int | None = None


@dataclass(frozen=True)
class Need:
    """A place a 24×7 promise must be answered from: a zone (None: everywhere) of a contract (None: any)."""

    zone: str | None = None
    contract: int | None = None


@dataclass(frozen=True)
class Gap:
    need: Need
    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def covers(shift: Shift, need: Need) -> bool:
    """A shift answers for a need when it is not tied to another place: a zone-less shift covers every
    zone, a zone's shift only that zone; likewise for contracts."""
    return (shift.zone is None or shift.zone == need.zone) and (shift.contract is None or shift.contract == need.contract)


def coverage_gaps(needs: Iterable[Need], shifts: Sequence[Shift], start: datetime, end: datetime) -> list[Gap]:
    """Every interval of [start, end) in which a need has nobody on duty, by start time then place."""
    out = []
    for need in set(needs):
        covering = [(s.start, s.end) for s in shifts if covers(s, need)]
        out += [Gap(need, a, b) for a, b in subtract((start, end), covering)]
    return sorted(out, key=lambda g: (g.start, g.need.zone or "", g.need.contract or 0))


def on_duty(shifts: Iterable[Shift], at: datetime) -> list[Shift]:
    """The shifts running at instant `at`."""
    return [s for s in shifts if s.start <= at < s.end]
