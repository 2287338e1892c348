"""Working-time arithmetic: the pure calendar core behind every service-plan clock (issue 3).

No Django import (architecture.md, "pure cores"): plain values in, plain values out.

* A :class:`WorkCalendar` is an immutable, hashable value: an IANA time zone, a weekly pattern of
  working intervals (local minutes of the day, ``0..1440``; 1440 is 24:00) and dated exceptions —
  whole-day holidays and make-up working days (调休: a weekend day that becomes a working day, with
  its own intervals). ``known_until`` is the last date the exception data is known for, so callers
  can warn before a calendar silently expires.
* Intervals are half-open ``[start, end)``: 09:00 is working, 18:00 is not. Exceptions apply to
  local dates: a night shift 22:00–24:00 + 00:00–06:00 is continuous, but a holiday on the second
  date cuts it at midnight.
* DST: an ambiguous local boundary (the repeated autumn hour) means its first occurrence; a
  nonexistent one (the skipped spring hour) means the transition instant. The mapping is monotonic;
  a 00:00–24:00 day lasts 23 h or 25 h on transition days.
* Units of :func:`add_duration`: ``minutes``, ``hours``, ``calendar_days`` are elapsed real time
  (UTC arithmetic; a calendar day is 24 h). ``working_minutes``/``working_hours`` consume working
  time only; when the amount runs out exactly at the end of an interval the result is that end
  (Friday 18:00, not Monday 09:00); negative amounts walk back and land on the latest instant (an
  interval's start). ``working_days``: see :func:`add_duration`.
* Resolution is one microsecond and the scalar path is exact integer arithmetic; the batch path
  (:func:`add_working_batch`) uses float64 epoch seconds.
* Speed: per-date intervals are cached; a cumulative working-time index over a window of dates
  (grown on demand, shared by equal calendars) answers "working time up to t" and its inverse by
  binary search: adding 300 working hours is O(log n).
"""

from __future__ import annotations

import math
import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:  # numpy is only needed by the batch API
    import numpy as np
    import numpy.typing as npt

# fmt: off
__all__ = [
    "DAY_MINUTES", "PLAIN_UNITS", "UNITS", "WORKING_UNITS", "Amount", "DayPattern", "Interval", "WeekPattern",
    "WorkCalendar", "add_duration", "add_working_batch", "is_working", "make_calendar", "next_working_instant",
    "parse_day_pattern", "working_time_between",
]
# fmt: on

Interval = tuple[int, int]
"""A working interval as local minutes of the day, ``0 <= start < end <= 1440``."""
DayPattern = tuple[Interval, ...]
"""Sorted, non-overlapping, non-touching intervals of one day."""
WeekPattern = tuple[DayPattern, DayPattern, DayPattern, DayPattern, DayPattern, DayPattern, DayPattern]
"""Seven day patterns, Monday (0) to Sunday (6)."""
Amount = int | float | Decimal | Fraction

DAY_MINUTES = 1440
PLAIN_UNITS = frozenset({"minutes", "hours", "calendar_days"})
WORKING_UNITS = frozenset({"working_minutes", "working_hours", "working_days"})
UNITS = PLAIN_UNITS | WORKING_UNITS

_US_PER_S = 1_000_000
_MINUTE_US = 60 * _US_PER_S
_US_PER_UNIT = {"minutes": _MINUTE_US, "hours": 60 * _MINUTE_US, "calendar_days": 1440 * _MINUTE_US}
_US_PER_UNIT.update(working_minutes=_MINUTE_US, working_hours=60 * _MINUTE_US)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_DAY_US = 1440 * _MINUTE_US
_MIN_ORD, _MAX_ORD = date(1, 1, 3).toordinal(), date(9999, 12, 29).toordinal()
_DAYS_BACK, _DAYS_AHEAD, _FAR_DAYS = 400, 800, 3660  # initial window; beyond _FAR_DAYS start afresh
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


# --------------------------------------------------------------------------- patterns
def _minute_of(value: int | time | str, *, is_end: bool) -> int:
    """A boundary as minutes of the day: an int, a ``time`` (``time(0)`` as an end is 24:00) or
    ``"HH:MM"`` (``"24:00"`` allowed). Calendars are minute-grained."""
    if isinstance(value, time) and not (value.second or value.microsecond or value.tzinfo):
        minute = value.hour * 60 + value.minute
        minute = DAY_MINUTES if is_end and minute == 0 else minute
    elif isinstance(value, str) and (match := _TIME_RE.match(value)) and int(match.group(2)) < 60:
        minute = int(match.group(1)) * 60 + int(match.group(2))
    elif isinstance(value, int) and not isinstance(value, bool):
        minute = value
    else:
        raise ValueError(f"invalid time boundary {value!r}, expected HH:MM")
    if not 0 <= minute <= DAY_MINUTES:
        raise ValueError(f"boundary {value!r} is outside 00:00..24:00")
    return minute


def _normalize_day(pairs: Iterable[Interval]) -> DayPattern:
    """Validate minute intervals, sort them and merge touching ones; reject overlaps."""
    merged: list[Interval] = []
    for start, end in sorted(pairs):
        if not 0 <= start < end <= DAY_MINUTES:
            raise ValueError(f"invalid interval {start}-{end} (minutes of day, start < end <= 1440)")
        if merged and start < merged[-1][1]:
            raise ValueError(f"overlapping intervals {merged[-1]} and {(start, end)}")
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def parse_day_pattern(spec: str | Iterable[Any] | None) -> DayPattern:
    """One day's working intervals as a canonical :data:`DayPattern`.

    ``spec``: ``None``/``""`` (no work), ``"09:00-12:00,13:00-18:00"`` (24:00 allowed as an end),
    or ``(start, end)`` pairs of minutes, ``time`` objects or ``"HH:MM"`` strings.
    Raises ValueError on malformed or overlapping intervals.
    """
    if spec is None:
        return ()
    if isinstance(spec, str):
        chunks = [part.strip() for part in spec.split(",") if part.strip()]
        if any("-" not in chunk for chunk in chunks):
            raise ValueError(f"invalid intervals {spec!r}, expected HH:MM-HH:MM[,...]")
        pairs: list[tuple[Any, ...]] = [tuple(chunk.split("-", 1)) for chunk in chunks]
    else:
        pairs = [tuple(pair) for pair in spec]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"invalid intervals {spec!r}")
    return _normalize_day((_minute_of(s, is_end=False), _minute_of(e, is_end=True)) for s, e in pairs)


def _parse_week(week: Mapping[int, Any] | Sequence[Any]) -> WeekPattern:
    """A mapping weekday→spec (missing days: no work) or a 7-sequence, as a WeekPattern."""
    if isinstance(week, Mapping):
        if set(week) - set(range(7)):
            raise ValueError(f"weekday keys must be 0..6 (Monday=0), got {sorted(week)}")
        days = [parse_day_pattern(week.get(day)) for day in range(7)]
    elif isinstance(week, str) or len(week) != 7:
        raise ValueError("a weekly pattern needs exactly 7 day specs, Monday first")
    else:
        days = [parse_day_pattern(spec) for spec in week]
    return (days[0], days[1], days[2], days[3], days[4], days[5], days[6])


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    """Load an IANA zone; ValueError (not KeyError) when it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


# --------------------------------------------------------------------------- calendar value
@dataclass(frozen=True)
class WorkCalendar:
    """An immutable, hashable working calendar (build one with :func:`make_calendar`).

    Fields are canonical: ``tz`` (IANA name); ``week`` (seven :data:`DayPattern`, Monday first);
    ``holidays`` (local dates without working time); ``makeup_days`` (sorted ``(date, pattern)``
    pairs: working dates, usually weekends, with their intervals); ``known_until`` (last date the
    exception data is known for; ``None`` when the calendar needs no dated data, e.g. 7×24);
    ``name`` (a label; part of equality). The private cache is excluded from equality, hash and
    repr, and shared between equal calendars.
    """

    tz: str
    week: WeekPattern
    holidays: frozenset[date] = frozenset()
    makeup_days: tuple[tuple[date, DayPattern], ...] = ()
    known_until: date | None = None
    name: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        _zone(self.tz)
        dates = [day for day, _ in self.makeup_days]
        patterns = [*self.week, *(pattern for _, pattern in self.makeup_days)]
        if len(self.week) != 7 or any(_normalize_day(p) != tuple(p) for p in patterns):
            raise ValueError("week and make-up days need canonical day patterns (use make_calendar)")
        if not isinstance(self.holidays, frozenset) or not all(map(_is_date, [*self.holidays, *dates])):
            raise ValueError("holidays must be a frozenset of dates; make-up days (date, pattern) pairs")
        if dates != sorted(set(dates)):
            raise ValueError("makeup_days must be sorted by unique date")
        if clash := self.holidays.intersection(dates):
            raise ValueError(f"dates both holiday and make-up working day: {sorted(clash)}")
        if self.known_until is not None and not _is_date(self.known_until):
            raise ValueError("known_until must be a date or None")
        object.__setattr__(self, "_cache", _shared_cache(self))

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone object."""
        return _zone(self.tz)

    @property
    def makeup_map(self) -> dict[date, DayPattern]:
        """Make-up working dates and their intervals, as a dict."""
        cached: dict[date, DayPattern] | None = self._cache.get("makeup_map")
        if cached is None:
            cached = self._cache["makeup_map"] = dict(self.makeup_days)
        return cached

    @property
    def weekly_minutes(self) -> int:
        """Working minutes in a normal week (no exceptions)."""
        return sum(end - start for day in self.week for start, end in day)

    def day_pattern(self, day: date) -> DayPattern:
        """The working intervals of a local date, exceptions applied."""
        if day in self.holidays:
            return ()
        pattern = self.makeup_map.get(day)
        return self.week[day.weekday()] if pattern is None else pattern

    def known_days_left(self, today: date) -> int | None:
        """Days from ``today`` to ``known_until`` (negative once expired; None if not applicable)."""
        return None if self.known_until is None else (self.known_until - today).days

    def runs_out_within(self, today: date, days: int) -> bool:
        """True when the exception data ends less than ``days`` days after ``today``: warn admins."""
        left = self.known_days_left(today)
        return left is not None and left < days


_SHARED_CACHES: OrderedDict[WorkCalendar, dict[str, Any]] = OrderedDict()
_SHARED_LOCK = threading.Lock()


def _shared_cache(cal: WorkCalendar, limit: int = 128) -> dict[str, Any]:
    """The cache shared by equal calendars (bounded LRU): a calendar rebuilt from database rows
    on every request reuses the index computed for an equal one."""
    with _SHARED_LOCK:
        cache = _SHARED_CACHES.setdefault(cal, {})
        _SHARED_CACHES.move_to_end(cal)
        while len(_SHARED_CACHES) > limit:
            _SHARED_CACHES.popitem(last=False)
        return cache


def make_calendar(
    tz: str,
    week: Mapping[int, Any] | Sequence[Any],
    *,
    holidays: Iterable[date] = (),
    makeup_days: Mapping[date, Any] | Iterable[date] = (),
    makeup_weekday: int = 0,
    known_until: date | None = None,
    name: str = "",
) -> WorkCalendar:
    """Build a :class:`WorkCalendar` from friendly input.

    ``week``: a 7-sequence (Monday first) or a mapping weekday→spec, specs as for
    :func:`parse_day_pattern`. ``makeup_days``: dates, or a mapping date→spec where ``None`` means
    the pattern of weekday ``makeup_weekday`` (Monday by default). ValueError on invalid input,
    including a date that is both a holiday and a make-up day.
    """
    week_pattern = _parse_week(week)
    if not 0 <= makeup_weekday <= 6:
        raise ValueError("makeup_weekday must be 0..6")
    items = makeup_days.items() if isinstance(makeup_days, Mapping) else ((d, None) for d in makeup_days)
    default = week_pattern[makeup_weekday]
    makeup = tuple(sorted((day, default if spec is None else parse_day_pattern(spec)) for day, spec in items))
    return WorkCalendar(tz, week_pattern, frozenset(holidays), makeup, known_until, name)


# --------------------------------------------------------------------------- instants
def _to_us(value: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime; ValueError on naive input."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got {value!r} (naive or not a datetime)")
    return (value - _EPOCH) // _ONE_US


def _from_us(us: int, tz: tzinfo | None) -> datetime:
    """The instant ``us`` expressed in zone ``tz``."""
    try:
        return (_EPOCH + timedelta(microseconds=us)).astimezone(tz)
    except OverflowError as exc:
        raise ValueError("result is outside the supported date range") from exc


def _local_ord(us: int, zone: ZoneInfo) -> int:
    """Ordinal of the local date of an instant in ``zone``."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(zone).toordinal()


def _wall_to_us(zone: ZoneInfo, day: date, minute: int) -> int:
    """The instant of local wall time ``day`` + ``minute`` (0..1440): first occurrence when
    ambiguous, the transition instant when skipped."""
    if minute == DAY_MINUTES:
        day, minute = day + timedelta(days=1), 0
    wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
    first = _to_us(wall)
    back = (_EPOCH + timedelta(microseconds=first)).astimezone(zone)
    if (back.date(), back.hour, back.minute) == (day, minute // 60, minute % 60):
        return first
    # Skipped wall time: binary search for the first instant whose wall time is later.
    lo, hi, target = _to_us(wall.replace(fold=1)), first, wall.replace(tzinfo=None)
    while hi - lo > _US_PER_S:
        mid = (lo + hi) // 2
        if (_EPOCH + timedelta(microseconds=mid)).astimezone(zone).replace(tzinfo=None) > target:
            hi = mid
        else:
            lo = mid
    return hi - hi % _US_PER_S


def _day_segments(cal: WorkCalendar, ordinal: int) -> tuple[tuple[int, int], ...]:
    """Working intervals of one local date as ``(start_us, end_us)`` instants (cached)."""
    cache: dict[int, tuple[tuple[int, int], ...]] = cal._cache.setdefault("days", {})
    segments = cache.get(ordinal)
    if segments is None:
        day, zone = date.fromordinal(ordinal), cal.zone
        pattern = cal.day_pattern(day)
        midnight = _wall_to_us(zone, day, 0) if pattern else 0
        if pattern and _wall_to_us(zone, day, DAY_MINUTES) - midnight == _DAY_US:  # no DST change
            segments = tuple((midnight + s * _MINUTE_US, midnight + e * _MINUTE_US) for s, e in pattern)
        else:
            mapped = ((_wall_to_us(zone, day, s), _wall_to_us(zone, day, e)) for s, e in pattern)
            segments = tuple((s, e) for s, e in mapped if e > s)
        cache[ordinal] = segments
    return segments


# --------------------------------------------------------------------------- cumulative index
class _Index:
    """Cumulative working time over the local dates ``[first_ord, end_ord)`` of one calendar.

    ``worked(t)`` is the working time in ``[lo, t)`` for ``lo <= t <= hi``. Touching segments are
    merged (consecutive 7×24 days), so ``starts``/``ends`` strictly increase. ``cum[k]`` is the
    working time before segment ``k``; ``day_*`` describe the window's working dates.
    """

    def __init__(self, cal: WorkCalendar, first_ord: int, end_ord: int) -> None:
        self.first_ord, self.end_ord = first_ord, end_ord
        self.lo = _wall_to_us(cal.zone, date.fromordinal(first_ord), 0)
        self.hi = _wall_to_us(cal.zone, date.fromordinal(end_ord), 0)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.day_ord: list[int] = []
        self.day_cum0: list[int] = []
        self.day_cum1: list[int] = []
        total = 0
        for ordinal in range(first_ord, end_ord):
            if segments := _day_segments(cal, ordinal):
                self.day_ord.append(ordinal)
                self.day_cum0.append(total)
                for start, end in segments:
                    total += end - start
                    if self.ends and self.ends[-1] == start:
                        self.ends[-1] = end
                    else:
                        self.starts.append(start)
                        self.ends.append(end)
                self.day_cum1.append(total)
        self.total = total
        self.cum: list[int] = []
        self.cum_end: list[int] = []
        for start, end in zip(self.starts, self.ends, strict=True):
            self.cum.append(self.cum_end[-1] if self.cum_end else 0)
            self.cum_end.append(self.cum[-1] + end - start)
        self._arrays: tuple[Any, ...] | None = None

    def worked(self, t: int) -> int:
        """Working microseconds in ``[lo, t)``."""
        k = bisect_right(self.starts, t) - 1
        if k < 0:
            return 0
        return self.cum[k] + min(t, self.ends[k]) - self.starts[k]

    def earliest(self, target: int) -> int:
        """Earliest instant with ``worked == target``; requires ``0 < target <= total``."""
        k = bisect_left(self.cum_end, target)
        return self.starts[k] + target - self.cum[k]

    def latest(self, target: int) -> int:
        """Latest instant with ``worked == target``; requires ``0 <= target < total``."""
        k = bisect_right(self.cum, target) - 1
        return self.starts[k] + target - self.cum[k]

    def arrays(self) -> tuple[Any, ...]:
        """float64 seconds ``(starts, ends, cum, cum_end)``, each led by a zero-length sentinel at lo."""
        if self._arrays is None:
            import numpy as np

            columns = [(self.lo, self.starts), (self.lo, self.ends), (0, self.cum), (0, self.cum_end)]
            self._arrays = tuple(np.array([head, *tail], np.float64) / _US_PER_S for head, tail in columns)
        return self._arrays


def _index_for(cal: WorkCalendar, lo_us: int, hi_us: int) -> _Index:
    """The calendar's cached index, rebuilt if its window does not cover ``[lo_us, hi_us]``."""
    index: _Index | None = cal._cache.get("index")
    if index is not None and index.lo <= lo_us and hi_us <= index.hi:
        return index
    return _rebuild(cal, index, _local_ord(lo_us, cal.zone) - 1, _local_ord(hi_us, cal.zone) + 2)


def _rebuild(cal: WorkCalendar, index: _Index | None, need_first: int, need_end: int) -> _Index:
    """Build and cache a window covering the local dates ``[need_first, need_end)``: grown
    geometrically from the current one when near (amortised O(1) per day), fresh when far."""
    if need_first < _MIN_ORD or need_end > _MAX_ORD:
        raise ValueError("instant or result is outside the supported date range (years 1..9999)")
    if index is None or need_end < index.first_ord - _FAR_DAYS or need_first > index.end_ord + _FAR_DAYS:
        first, end = need_first - _DAYS_BACK, need_end + _DAYS_AHEAD
    else:
        span, first, end = index.end_ord - index.first_ord, index.first_ord, index.end_ord
        first = min(need_first, first - span) - 30 if need_first < first else first
        end = max(need_end, end + span) + 30 if need_end > end else end
    built = _Index(cal, max(first, _MIN_ORD), min(end, _MAX_ORD))
    cal._cache["index"] = built
    return built


def _grow(cal: WorkCalendar, index: _Index, missing_us: int, *, forward: bool) -> _Index:
    """Extend the window to hold about ``missing_us`` more working time in one direction;
    ValueError when no working time can exist there (empty week, no make-up day beyond)."""
    if cal.weekly_minutes == 0:
        makeup = [day.toordinal() for day, _ in cal.makeup_days]
        if not (makeup and (makeup[-1] >= index.end_ord if forward else makeup[0] < index.first_ord)):
            raise ValueError(f"the calendar has no working time {'after' if forward else 'before'} t")
    per_day = cal.weekly_minutes * _MINUTE_US / 7
    days = int(missing_us / per_day * 1.5) + 31 if per_day else 366
    if forward:
        return _rebuild(cal, index, index.first_ord, index.end_ord + days)
    return _rebuild(cal, index, index.first_ord - days, index.end_ord)


def _days_us(cal: WorkCalendar, days: int) -> int:
    """Roughly ``days`` average working days, in microseconds of working time."""
    per_day = cal.weekly_minutes * _MINUTE_US // (sum(1 for day in cal.week if day) or 1)
    return max(per_day, _MINUTE_US) * days


# --------------------------------------------------------------------------- scalar API
def _add_working_us(cal: WorkCalendar, t: int, delta: int) -> int:
    """``t`` plus ``delta`` microseconds of working time (see the module docstring)."""
    if delta == 0:
        return t
    index = _index_for(cal, t, t)
    while True:
        target = index.worked(t) + delta
        if delta > 0 and target <= index.total:
            return index.earliest(target)
        if delta < 0 and target >= 0:
            return index.latest(target)
        missing = target - index.total if delta > 0 else -target
        index = _grow(cal, index, missing, forward=delta > 0)


def _add_working_days(cal: WorkCalendar, t: int, amount: Fraction) -> int:
    """Apply the working-days rule documented in :func:`add_duration`."""
    if amount == 0:
        return t
    start_ord = _local_ord(t, cal.zone)
    whole = math.floor(abs(amount))
    frac = abs(amount) - whole
    index = _index_for(cal, t, t)
    while True:
        if amount > 0:  # the working dates after the start date: first..; N-th = first + N - 1
            last = bisect_right(index.day_ord, start_ord) + whole - (frac == 0)
            found = last < len(index.day_ord)
        else:  # the working dates before the start date, counted backwards
            last = bisect_left(index.day_ord, start_ord) - 1 - whole + (frac == 0)
            found = last >= 0
        if found:
            begin, end = index.day_cum0[last], index.day_cum1[last]
            share = max(1, round(frac * (end - begin)))
            if amount > 0:
                return index.earliest(end if frac == 0 else begin + share)
            return index.latest(begin if frac == 0 else end - share)
        index = _grow(cal, index, _days_us(cal, whole + 2), forward=amount > 0)


def _amount_fraction(amount: Amount) -> Fraction:
    """An exact Fraction of a finite int/float/Decimal/Fraction amount."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal, Fraction)):
        raise ValueError(f"amount must be a number, got {amount!r}")
    if isinstance(amount, (float, Decimal)) and not math.isfinite(amount):
        raise ValueError(f"amount must be finite, got {amount!r}")
    return Fraction(amount)


def _amount_us(amount: Amount, unit: str) -> int:
    """``amount`` of ``unit`` in microseconds, rounded half-even."""
    if type(amount) is int:
        return amount * _US_PER_UNIT[unit]
    return round(_amount_fraction(amount) * _US_PER_UNIT[unit])


def add_duration(cal: WorkCalendar, start: datetime, amount: Amount, unit: str) -> datetime:
    """The instant ``amount`` ``unit`` after ``start``, in ``start``'s time zone.

    ``unit`` is one of :data:`UNITS`; ``amount`` may be negative or fractional (int, float,
    Decimal or Fraction). Plain units are elapsed real time; working units consume only the
    calendar's working time (boundary rules in the module docstring). An amount of zero returns
    ``start`` unchanged, whatever the unit.

    **Working days** (``working_days``; "report within 3 working days", P5.6): a working day is a
    local date of the calendar with working time after exceptions (holidays removed, make-up days
    added). The start's own local date never counts, whatever the time of day. For a whole
    ``N >= 1`` the result is the *end of the last working interval of the N-th working day after
    the start's local date* (inspection done any time on a Friday, N=3: Wednesday 18:00 in a
    normal week, Tuesday 18:00 when Saturday is a make-up day). For ``N + f`` with ``0 < f < 1``
    it is the instant when the share ``f`` of the (N+1)-th such day's working time has elapsed,
    counted from that day's first working instant (0.5 after a Friday on a 09–12/13–18 calendar:
    Monday 14:00). Negative amounts mirror the rule: the *start* of the N-th working day before
    the start's date; fractions count back from that day's end.

    ValueError for naive ``start``, unknown units, non-finite amounts, and when the calendar has
    no working time left in the needed direction.
    """
    t = _to_us(start)
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(UNITS)}")
    if unit in PLAIN_UNITS:
        result = t + _amount_us(amount, unit)
    elif unit == "working_days":
        result = _add_working_days(cal, t, _amount_fraction(amount))
    else:
        result = _add_working_us(cal, t, _amount_us(amount, unit))
    return _from_us(result, start.tzinfo)


def working_time_between(cal: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    """Working time in ``[a, b)``; negative (minus the working time in ``[b, a)``) if ``b < a``.

    The exact inverse of :func:`add_duration` in working minutes/hours:
    ``working_time_between(cal, s, add_duration(cal, s, x, "working_minutes"))`` is ``x`` minutes.
    """
    ta, tb = _to_us(a), _to_us(b)
    index = _index_for(cal, min(ta, tb), max(ta, tb))
    return timedelta(microseconds=index.worked(tb) - index.worked(ta))


def is_working(cal: WorkCalendar, t: datetime) -> bool:
    """True when ``t`` lies inside working time (intervals are half-open: the end is not)."""
    us = _to_us(t)
    index = _index_for(cal, us, us)
    k = bisect_right(index.starts, us) - 1
    return k >= 0 and us < index.ends[k]


def next_working_instant(cal: WorkCalendar, t: datetime) -> datetime:
    """``t`` itself if it is working time, else the start of the next working interval (in
    ``t``'s time zone); idempotent. ValueError when no working time follows."""
    us = _to_us(t)
    index = _index_for(cal, us, us)
    while True:
        k = bisect_right(index.starts, us) - 1
        if k >= 0 and us < index.ends[k]:
            return t
        if k + 1 < len(index.starts):
            return _from_us(index.starts[k + 1], t.tzinfo)
        index = _grow(cal, index, _days_us(cal, 7), forward=True)


# --------------------------------------------------------------------------- batch API
def add_working_batch(
    cal: WorkCalendar, starts_epoch_seconds: npt.ArrayLike, seconds: npt.ArrayLike
) -> np.ndarray:
    """Vectorised ``start + seconds of working time`` for many clocks at once.

    Inputs broadcast: float64 UTC epoch seconds and working seconds (negative allowed). The result,
    float64 UTC epoch seconds, follows the scalar semantics (earliest instant going forward, latest
    going backward, zero returns the start) with float64 precision, via the cumulative index and
    ``numpy.searchsorted``. ValueError on non-finite input.
    """
    import numpy as np

    t, d = np.broadcast_arrays(np.asarray(starts_epoch_seconds, np.float64), np.asarray(seconds, np.float64))
    if t.size == 0:
        return np.empty(t.shape, dtype=np.float64)
    if not (np.isfinite(t).all() and np.isfinite(d).all()):
        raise ValueError("starts and seconds must be finite")
    index = _index_for(cal, math.floor(float(t.min()) * _US_PER_S), math.ceil(float(t.max()) * _US_PER_S))
    while True:
        starts, ends, cum, cum_end = index.arrays()
        k = np.maximum(np.searchsorted(starts, t, side="right") - 1, 0)
        target = cum[k] + np.minimum(t, ends[k]) - starts[k] + d
        total, high, low = index.total / _US_PER_S, float(target.max()), float(target.min())
        if high <= total and low >= 0:
            break
        forward = high > total
        index = _grow(cal, index, math.ceil((high - total if forward else -low) * _US_PER_S), forward=forward)
    ahead = np.minimum(np.searchsorted(cum_end, target, side="left"), len(starts) - 1)
    result = np.where(d > 0, starts[ahead] + (target - cum[ahead]), t)
    if (negative := d < 0).any():
        back = np.maximum(np.searchsorted(cum, target, side="right") - 1, 0)
        result = np.where(negative, starts[back] + (target - cum[back]), result)
    return result
