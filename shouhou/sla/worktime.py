"""Working-time arithmetic: the pure calendar core behind every service-plan clock (issue 3).

No Django import here, on purpose (architecture.md, "pure cores"): the module takes plain values
and returns plain values, so it can be property-tested and benchmarked on its own.

Vocabulary
----------
* A :class:`WorkCalendar` is an immutable, hashable value: an IANA time zone, a weekly pattern of
  working intervals (local wall-clock minutes of the day, ``0..1440``; ``1440`` is 24:00) and dated
  exceptions — whole-day holidays and make-up working days (调休, a weekend day that becomes a
  working day, with the intervals that apply on it). ``known_until`` is the last date the exception
  data is known for, so callers can warn before a calendar silently expires.
* *Working time* is the union of the calendar's working intervals, mapped to real (UTC) instants.
  All intervals are half-open ``[start, end)``: 09:00 is working, 18:00 is not.
* Exceptions apply to *local calendar dates* in the calendar's zone. A night shift written as
  22:00–24:00 plus 00:00–06:00 is continuous working time, but a holiday on the second date cuts it
  at midnight.

Daylight-saving time
--------------------
Local interval boundaries become instants like this: an ambiguous wall time (the repeated hour in
autumn) means its *first* occurrence; a wall time that does not exist (the skipped hour in spring)
means the transition instant itself. The mapping is monotonic, so a 00:00–24:00 day lasts 23 h or
25 h on transition days, exactly as the clock on the wall says.

Units of :func:`add_duration`
-----------------------------
* ``minutes``, ``hours``, ``calendar_days``: elapsed real time (UTC arithmetic, DST-safe);
  one calendar day is 24 elapsed hours.
* ``working_minutes``, ``working_hours``: only working time is consumed. When the amount runs out
  exactly at the end of a working interval, the result is that end (18:00 Friday), never the start
  of the next interval (09:00 Monday). Negative amounts walk backwards and then land on the latest
  instant (the start of an interval rather than the end of the previous one).
* ``working_days``: see :func:`add_duration` for the exact rule (the end of the N-th working day
  after the start's local date).

Resolution is one microsecond; the scalar path is exact integer arithmetic. The batch path
(:func:`add_working_batch`) works in float64 epoch seconds (sub-microsecond error for present-day
instants).

Speed
-----
Per-date working intervals are computed lazily and cached per calendar; a cumulative
working-time index over a window of dates answers "working time up to t" and its inverse with a
binary search, so adding 300 working hours is O(log n), not a walk over days. The window grows on
demand.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:  # numpy is only needed by the batch API
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "DAY_MINUTES",
    "PLAIN_UNITS",
    "UNITS",
    "WORKING_UNITS",
    "Amount",
    "DayPattern",
    "Interval",
    "WeekPattern",
    "WorkCalendar",
    "add_duration",
    "add_working_batch",
    "is_working",
    "make_calendar",
    "next_working_instant",
    "parse_day_pattern",
    "working_time_between",
]

Interval = tuple[int, int]
"""A working interval as local minutes of the day, ``0 <= start < end <= 1440``."""
DayPattern = tuple[Interval, ...]
"""Sorted, non-overlapping, non-touching intervals of one day."""
WeekPattern = tuple[DayPattern, DayPattern, DayPattern, DayPattern, DayPattern, DayPattern, DayPattern]
"""Seven day patterns, Monday (0) to Sunday (6)."""
Amount = Union[int, float, Decimal, Fraction]

DAY_MINUTES = 1440
PLAIN_UNITS = frozenset({"minutes", "hours", "calendar_days"})
WORKING_UNITS = frozenset({"working_minutes", "working_hours", "working_days"})
UNITS = PLAIN_UNITS | WORKING_UNITS

_US_PER_S = 1_000_000
_US_PER_UNIT = {
    "minutes": 60 * _US_PER_S,
    "hours": 3600 * _US_PER_S,
    "calendar_days": 86400 * _US_PER_S,
    "working_minutes": 60 * _US_PER_S,
    "working_hours": 3600 * _US_PER_S,
}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_US = timedelta(microseconds=1)
_DAY_US = 86400 * _US_PER_S
_MIN_ORD = date(1, 1, 3).toordinal()
_MAX_ORD = date(9999, 12, 29).toordinal()
_INITIAL_DAYS_BACK = 400
_INITIAL_DAYS_AHEAD = 800
_FRESH_WINDOW_GAP_DAYS = 3660
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


# --------------------------------------------------------------------------- patterns


def _minute_of(value: int | time | str, *, is_end: bool) -> int:
    """Return a boundary as minutes of the day.

    Accepts minutes (int), ``datetime.time`` (``time(0)`` as an *end* means 24:00) or ``"HH:MM"``
    (``"24:00"`` allowed). Seconds are not supported: calendars are minute-grained.
    """
    if isinstance(value, bool):
        raise ValueError(f"invalid time boundary {value!r}")
    if isinstance(value, int):
        minute = value
    elif isinstance(value, time):
        if value.second or value.microsecond or value.tzinfo is not None:
            raise ValueError(f"boundary {value!r} must be a naive whole-minute time")
        minute = value.hour * 60 + value.minute
        if is_end and minute == 0:
            minute = DAY_MINUTES
    elif isinstance(value, str):
        match = _TIME_RE.match(value)
        if not match:
            raise ValueError(f"invalid time {value!r}, expected HH:MM")
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes >= 60:
            raise ValueError(f"invalid time {value!r}")
        minute = hours * 60 + minutes
    else:
        raise ValueError(f"invalid time boundary {value!r}")
    if not 0 <= minute <= DAY_MINUTES:
        raise ValueError(f"boundary {value!r} is outside 00:00..24:00")
    return minute


def _normalize_day(pairs: Iterable[Interval]) -> DayPattern:
    """Validate minute intervals, sort them and merge touching ones; reject overlaps."""
    ordered = sorted(pairs)
    merged: list[Interval] = []
    for start, end in ordered:
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
    """Parse one day's working intervals into a canonical :data:`DayPattern`.

    ``spec`` is ``None``/``""`` (no working time), a string such as
    ``"09:00-12:00,13:00-18:00"`` (``24:00`` allowed as an end) or an iterable of
    ``(start, end)`` pairs whose items are minutes, ``time`` objects or ``"HH:MM"`` strings.
    Raises ValueError on malformed or overlapping intervals.
    """
    if spec is None:
        return ()
    if isinstance(spec, str):
        pairs: list[tuple[Any, Any]] = []
        for chunk in filter(None, (part.strip() for part in spec.split(","))):
            start, sep, end = chunk.partition("-")
            if not sep:
                raise ValueError(f"invalid interval {chunk!r}, expected HH:MM-HH:MM")
            pairs.append((start, end))
    else:
        pairs = [tuple(pair) for pair in spec]  # type: ignore[misc]
    minutes: list[Interval] = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"invalid interval {pair!r}")
        minutes.append((_minute_of(pair[0], is_end=False), _minute_of(pair[1], is_end=True)))
    return _normalize_day(minutes)


def _parse_week(week: Mapping[int, Any] | Sequence[Any]) -> WeekPattern:
    """Turn a mapping weekday->spec (missing days: no work) or a 7-sequence into a WeekPattern."""
    if isinstance(week, Mapping):
        unknown = set(week) - set(range(7))
        if unknown:
            raise ValueError(f"weekday keys must be 0..6 (Monday=0), got {sorted(unknown)}")
        days = [parse_day_pattern(week.get(day)) for day in range(7)]
    else:
        if isinstance(week, str) or len(week) != 7:
            raise ValueError("a weekly pattern needs exactly 7 day specs, Monday first")
        days = [parse_day_pattern(spec) for spec in week]
    return (days[0], days[1], days[2], days[3], days[4], days[5], days[6])


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    """Load an IANA zone; raise ValueError (not KeyError) when it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


# --------------------------------------------------------------------------- calendar value


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable, hashable working calendar.

    Fields are canonical (use :func:`make_calendar` to build one from friendlier input):

    * ``tz``: IANA zone name, e.g. ``"Asia/Shanghai"``.
    * ``week``: seven :data:`DayPattern` (Monday first) of minute intervals.
    * ``holidays``: local dates without any working time.
    * ``makeup_days``: sorted ``(date, DayPattern)`` pairs — dates (usually weekends) that are
      working days with the given intervals.
    * ``known_until``: last date the exception data is known for; ``None`` when the calendar
      does not depend on dated exceptions (e.g. 7×24).
    * ``name``: a label for humans and logs; part of equality.

    The private cache (per-date intervals, cumulative index) is excluded from equality, hashing
    and repr.
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
        if len(self.week) != 7 or any(_normalize_day(day) != tuple(day) for day in self.week):
            raise ValueError("week must be 7 canonical day patterns (use make_calendar)")
        if not isinstance(self.holidays, frozenset) or not all(_is_date(d) for d in self.holidays):
            raise ValueError("holidays must be a frozenset of dates")
        dates = [d for d, _ in self.makeup_days]
        if dates != sorted(set(dates)) or not all(_is_date(d) for d in dates):
            raise ValueError("makeup_days must be sorted unique (date, pattern) pairs")
        if any(_normalize_day(pattern) != tuple(pattern) for _, pattern in self.makeup_days):
            raise ValueError("make-up day patterns must be canonical (use make_calendar)")
        clash = self.holidays.intersection(dates)
        if clash:
            raise ValueError(f"dates both holiday and make-up working day: {sorted(clash)}")
        if self.known_until is not None and not _is_date(self.known_until):
            raise ValueError("known_until must be a date or None")

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone object."""
        return _zone(self.tz)

    @property
    def makeup_map(self) -> dict[date, DayPattern]:
        """Make-up working dates and their intervals, as a dict."""
        cached = self._cache.get("makeup_map")
        if cached is None:
            cached = dict(self.makeup_days)
            self._cache["makeup_map"] = cached
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
        if pattern is not None:
            return pattern
        return self.week[day.weekday()]

    def known_days_left(self, today: date) -> int | None:
        """Days from ``today`` to ``known_until`` (negative once expired; None if not applicable)."""
        if self.known_until is None:
            return None
        return (self.known_until - today).days

    def runs_out_within(self, today: date, days: int) -> bool:
        """True when the exception data ends less than ``days`` days after ``today`` — warn admins."""
        left = self.known_days_left(today)
        return left is not None and left < days


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


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

    ``week``: a 7-sequence (Monday first) or a mapping weekday→spec; each spec as accepted by
    :func:`parse_day_pattern`. ``makeup_days``: dates, or a mapping date→spec where ``None`` means
    "the pattern of weekday ``makeup_weekday``" (Monday by default). Raises ValueError on invalid
    input, including a date that is both a holiday and a make-up day.
    """
    week_pattern = _parse_week(week)
    if not 0 <= makeup_weekday <= 6:
        raise ValueError("makeup_weekday must be 0..6")
    items = makeup_days.items() if isinstance(makeup_days, Mapping) else ((d, None) for d in makeup_days)
    makeup: dict[date, DayPattern] = {}
    for day, spec in items:
        if not _is_date(day):
            raise ValueError(f"make-up day {day!r} is not a date")
        makeup[day] = week_pattern[makeup_weekday] if spec is None else parse_day_pattern(spec)
    return WorkCalendar(
        tz=tz,
        week=week_pattern,
        holidays=frozenset(holidays),
        makeup_days=tuple(sorted(makeup.items())),
        known_until=known_until,
        name=name,
    )


# --------------------------------------------------------------------------- instants


def _to_us(value: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime; ValueError on naive input."""
    if not isinstance(value, datetime):
        raise ValueError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: a time zone is required")
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
    """The instant of local wall time ``day`` + ``minute`` (0..1440) in ``zone``.

    Ambiguous wall times resolve to their first occurrence; skipped ones to the transition.
    """
    if minute == DAY_MINUTES:
        day, minute = day + timedelta(days=1), 0
    wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
    first = _to_us(wall)
    back = (_EPOCH + timedelta(microseconds=first)).astimezone(zone)
    if (back.date(), back.hour, back.minute) == (day, minute // 60, minute % 60):
        return first
    return _gap_transition_us(zone, wall, first)


def _gap_transition_us(zone: ZoneInfo, wall: datetime, upper: int) -> int:
    """The transition instant of the DST gap containing the nonexistent wall time ``wall``.

    Binary search for the first instant whose local wall time is later than ``wall``.
    """
    lo = _to_us(wall.replace(fold=1))  # before the transition: local < wall
    hi = upper  # local > wall
    target = wall.replace(tzinfo=None)
    while hi - lo > _US_PER_S:
        mid = (lo + hi) // 2
        local = (_EPOCH + timedelta(microseconds=mid)).astimezone(zone).replace(tzinfo=None)
        if local > target:
            hi = mid
        else:
            lo = mid
    return hi - hi % _US_PER_S


def _day_segments(cal: WorkCalendar, ordinal: int) -> tuple[tuple[int, int], ...]:
    """Working intervals of one local date as ``(start_us, end_us)`` instants (cached)."""
    cache: dict[int, tuple[tuple[int, int], ...]] = cal._cache.setdefault("days", {})
    hit = cache.get(ordinal)
    if hit is not None:
        return hit
    day = date.fromordinal(ordinal)
    pattern = cal.day_pattern(day)
    segments: tuple[tuple[int, int], ...] = ()
    if pattern:
        zone = cal.zone
        midnight = _wall_to_us(zone, day, 0)
        if _wall_to_us(zone, day, DAY_MINUTES) - midnight == _DAY_US:  # no transition today
            step = 60 * _US_PER_S
            segments = tuple((midnight + s * step, midnight + e * step) for s, e in pattern)
        else:
            mapped = ((_wall_to_us(zone, day, s), _wall_to_us(zone, day, e)) for s, e in pattern)
            segments = tuple((s, e) for s, e in mapped if e > s)
    cache[ordinal] = segments
    return segments


# --------------------------------------------------------------------------- cumulative index


class _Index:
    """Cumulative working time over the local dates ``[first_ord, end_ord)`` of one calendar.

    ``W(t)`` = working microseconds in ``[lo, t)`` for ``lo <= t <= hi``. Segments are merged
    when they touch (e.g. consecutive 7×24 days), so ``starts``/``ends`` are strictly increasing.
    ``day_*`` lists describe the working dates of the window, for the working-days rule.
    """

    __slots__ = (
        "first_ord", "end_ord", "lo", "hi", "starts", "ends", "cum", "cum_end", "total",
        "day_ord", "day_cum0", "day_cum1", "_arrays",
    )

    def __init__(self, cal: WorkCalendar, first_ord: int, end_ord: int) -> None:
        self.first_ord, self.end_ord = first_ord, end_ord
        zone = cal.zone
        self.lo = _wall_to_us(zone, date.fromordinal(first_ord), 0)
        self.hi = _wall_to_us(zone, date.fromordinal(end_ord), 0)
        starts: list[int] = []
        ends: list[int] = []
        self.day_ord: list[int] = []
        self.day_cum0: list[int] = []
        self.day_cum1: list[int] = []
        total = 0
        for ordinal in range(first_ord, end_ord):
            segments = _day_segments(cal, ordinal)
            if not segments:
                continue
            self.day_ord.append(ordinal)
            self.day_cum0.append(total)
            for start, end in segments:
                total += end - start
                if ends and ends[-1] == start:
                    ends[-1] = end
                else:
                    starts.append(start)
                    ends.append(end)
            self.day_cum1.append(total)
        cum: list[int] = []
        running = 0
        for start, end in zip(starts, ends, strict=True):
            cum.append(running)
            running += end - start
        self.starts, self.ends, self.cum, self.total = starts, ends, cum, total
        self.cum_end = [c + e - s for c, s, e in zip(cum, starts, ends, strict=True)]
        self._arrays: Any = None

    def covers(self, lo_us: int, hi_us: int) -> bool:
        return self.lo <= lo_us and hi_us <= self.hi

    def worked(self, t: int) -> int:
        """Working microseconds in ``[lo, t)``."""
        k = bisect_right(self.starts, t) - 1
        if k < 0:
            return 0
        end = self.ends[k]
        return self.cum[k] + (t if t < end else end) - self.starts[k]

    def earliest(self, target: int) -> int:
        """Earliest instant with ``W == target``; requires ``0 < target <= total``."""
        k = bisect_left(self.cum_end, target)
        return self.starts[k] + target - self.cum[k]

    def latest(self, target: int) -> int:
        """Latest instant with ``W == target``; requires ``0 <= target < total``."""
        k = bisect_right(self.cum, target) - 1
        return self.starts[k] + target - self.cum[k]

    def arrays(self) -> tuple[Any, Any, Any, Any]:
        """float64 second arrays ``(starts, ends, cum, cum_end)`` with a zero sentinel at ``lo``."""
        if self._arrays is None:
            import numpy as np

            scale = float(_US_PER_S)
            def as_seconds(values: list[int], first: int) -> Any:
                return np.array([first, *values], dtype=np.float64) / scale

            self._arrays = (
                as_seconds(self.starts, self.lo),
                as_seconds(self.ends, self.lo),
                as_seconds(self.cum, 0),
                as_seconds(self.cum_end, 0),
            )
        return self._arrays


def _index_for(cal: WorkCalendar, lo_us: int, hi_us: int) -> _Index:
    """A cached index whose window covers the instants ``[lo_us, hi_us]`` (grown on demand)."""
    index: _Index | None = cal._cache.get("index")
    if index is not None and index.covers(lo_us, hi_us):
        return index
    zone = cal.zone
    need_first = _local_ord(lo_us, zone) - 1
    need_end = _local_ord(hi_us, zone) + 2
    return _rebuild(cal, index, need_first, need_end)


def _rebuild(cal: WorkCalendar, index: _Index | None, need_first: int, need_end: int) -> _Index:
    """Build (and cache) a window covering the local dates ``[need_first, need_end)``.

    Grows the existing window geometrically when the request is near it, so repeated extensions
    cost amortised O(1) per day; starts a fresh window when the request is far away.
    """
    if index is None or (
        need_end < index.first_ord - _FRESH_WINDOW_GAP_DAYS or need_first > index.end_ord + _FRESH_WINDOW_GAP_DAYS
    ):
        first, end = need_first - _INITIAL_DAYS_BACK, need_end + _INITIAL_DAYS_AHEAD
    else:
        span = index.end_ord - index.first_ord
        first, end = index.first_ord, index.end_ord
        if need_first < first:
            first = min(need_first, first - span) - 30
        if need_end > end:
            end = max(need_end, end + span) + 30
    if need_first < _MIN_ORD or need_end > _MAX_ORD:
        raise ValueError("instant or result is outside the supported date range (years 1..9999)")
    first, end = max(first, _MIN_ORD), min(end, _MAX_ORD)
    built = _Index(cal, first, end)
    cal._cache["index"] = built
    return built


def _days_for(cal: WorkCalendar, working_us: int) -> int:
    """A generous estimate of how many dates hold ``working_us`` of working time."""
    per_day = cal.weekly_minutes * 60 * _US_PER_S / 7
    if per_day <= 0:
        return 366
    return int(working_us / per_day * 1.5) + 31


def _grow_forward(cal: WorkCalendar, index: _Index, missing_us: int) -> _Index:
    """Extend the window forward; ValueError when no further working time can exist."""
    if cal.weekly_minutes == 0:
        last_makeup = cal.makeup_days[-1][0].toordinal() if cal.makeup_days else None
        if last_makeup is None or last_makeup < index.end_ord:
            raise ValueError("the calendar has no working time after this instant")
    return _rebuild(cal, index, index.first_ord, index.end_ord + _days_for(cal, missing_us))


def _grow_backward(cal: WorkCalendar, index: _Index, missing_us: int) -> _Index:
    """Extend the window backward; ValueError when no earlier working time can exist."""
    if cal.weekly_minutes == 0:
        first_makeup = cal.makeup_days[0][0].toordinal() if cal.makeup_days else None
        if first_makeup is None or first_makeup >= index.first_ord:
            raise ValueError("the calendar has no working time before this instant")
    return _rebuild(cal, index, index.first_ord - _days_for(cal, missing_us), index.end_ord)


# --------------------------------------------------------------------------- scalar API


def _add_working_us(cal: WorkCalendar, t: int, delta: int) -> int:
    """``t`` plus ``delta`` microseconds of working time (see the module docstring)."""
    if delta == 0:
        return t
    index = _index_for(cal, t, t)
    while True:
        target = index.worked(t) + delta
        if delta > 0:
            if target <= index.total:
                return index.earliest(target)
            index = _grow_forward(cal, index, target - index.total)
        else:
            if target >= 0:
                return index.latest(target)
            index = _grow_backward(cal, index, -target)


def _add_working_days(cal: WorkCalendar, t: int, amount: Fraction) -> int:
    """Apply the working-days rule documented in :func:`add_duration`."""
    if amount == 0:
        return t
    start_ord = _local_ord(t, cal.zone)
    whole = math.floor(abs(amount))
    frac = abs(amount) - whole
    index = _index_for(cal, t, t)
    while True:
        days = index.day_ord
        if amount > 0:
            first = bisect_right(days, start_ord)  # first working date after the start date
            last = first + whole - (1 if frac == 0 else 0)
            if last < len(days):
                if frac == 0:
                    return index.earliest(index.day_cum1[last])
                length = index.day_cum1[last] - index.day_cum0[last]
                return index.earliest(index.day_cum0[last] + max(1, round(frac * length)))
            index = _grow_forward(cal, index, _days_us(cal, whole + 2))
        else:
            first = bisect_left(days, start_ord) - 1  # last working date before the start date
            last = first - whole + (1 if frac == 0 else 0)
            if last >= 0:
                if frac == 0:
                    return index.latest(index.day_cum0[last])
                length = index.day_cum1[last] - index.day_cum0[last]
                return index.latest(index.day_cum1[last] - max(1, round(frac * length)))
            index = _grow_backward(cal, index, _days_us(cal, whole + 2))


def _days_us(cal: WorkCalendar, days: int) -> int:
    """Roughly ``days`` average working days, in microseconds of working time."""
    per_week_days = sum(1 for day in cal.week if day) or 1
    per_day = cal.weekly_minutes * 60 * _US_PER_S // per_week_days
    return max(per_day, 60 * _US_PER_S) * days


def _amount_fraction(amount: Amount) -> Fraction:
    """An exact Fraction of a finite int/float/Decimal/Fraction amount."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal, Fraction)):
        raise ValueError(f"amount must be a number, got {amount!r}")
    if isinstance(amount, (float, Decimal)) and not math.isfinite(amount):
        raise ValueError(f"amount must be finite, got {amount!r}")
    return Fraction(amount)


def _amount_us(amount: Amount, unit: str) -> int:
    """``amount`` of ``unit`` in microseconds, rounded half-even."""
    factor = _US_PER_UNIT[unit]
    if type(amount) is int:
        return amount * factor
    return round(_amount_fraction(amount) * factor)


def add_duration(cal: WorkCalendar, start: datetime, amount: Amount, unit: str) -> datetime:
    """The instant ``amount`` ``unit`` after ``start``, in ``start``'s time zone.

    ``unit`` is one of :data:`UNITS`; ``amount`` may be negative or fractional (int, float,
    Decimal or Fraction). Plain units are elapsed real time; working units consume only the
    calendar's working time (see the module docstring for boundary rules). An amount of zero
    returns ``start`` unchanged, whatever the unit.

    **Working days** (``working_days``, the rule behind "report within 3 working days", P5.6):
    a working day is a local date of the calendar that has working time after exceptions
    (holidays removed, make-up days added). The start's own local date never counts, whatever
    the time of day. For a whole ``N >= 1`` the result is the *end of the last working interval of
    the N-th working day after the start's local date* (e.g. an inspection done any time on
    Friday, N=3, normal week: Wednesday 18:00; with a make-up Saturday: Tuesday 18:00). For
    ``N + f`` with ``0 < f < 1`` the result is the instant when the share ``f`` of the
    (N+1)-th such day's working time has elapsed, counted from that day's first working instant
    (0.5 working days after a Friday on a 09–12/13–18 calendar: Monday 14:00). Negative amounts
    mirror the rule: the *start* of the N-th working day before the start's date, fractions
    counted back from that day's end.

    Raises ValueError for naive ``start``, unknown units, non-finite amounts, and when the
    calendar has no working time left in the needed direction.
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

    Inverse of :func:`add_duration` with working minutes/hours:
    ``working_time_between(cal, s, add_duration(cal, s, x, "working_minutes"))`` is ``x`` minutes
    (to the microsecond) for any ``x``.
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
    """``t`` itself if it is working time, else the start of the next working interval.

    Returned in ``t``'s time zone; idempotent. ValueError when no working time follows.
    """
    us = _to_us(t)
    index = _index_for(cal, us, us)
    while True:
        k = bisect_right(index.starts, us) - 1
        if k >= 0 and us < index.ends[k]:
            return t
        if k + 1 < len(index.starts):
            return _from_us(index.starts[k + 1], t.tzinfo)
        index = _grow_forward(cal, index, _days_us(cal, 7))


# --------------------------------------------------------------------------- batch API


def add_working_batch(
    cal: WorkCalendar,
    starts_epoch_seconds: npt.ArrayLike,
    seconds: npt.ArrayLike,
) -> np.ndarray:
    """Vectorised ``start + seconds of working time`` for many clocks at once.

    ``starts_epoch_seconds`` and ``seconds`` broadcast against each other (float64 UTC epoch
    seconds and working seconds, negative allowed); the result is float64 UTC epoch seconds with
    exactly the scalar semantics (earliest instant going forward, latest going backward, a zero
    amount returns the start). Uses the calendar's cumulative index and ``numpy.searchsorted``;
    precision is that of float64 (well below a microsecond for present-day instants).
    Raises ValueError on non-finite input.
    """
    import numpy as np

    t, d = np.broadcast_arrays(
        np.asarray(starts_epoch_seconds, dtype=np.float64), np.asarray(seconds, dtype=np.float64)
    )
    if t.size == 0:
        return np.empty(t.shape, dtype=np.float64)
    if not (np.isfinite(t).all() and np.isfinite(d).all()):
        raise ValueError("starts and seconds must be finite")
    lo_us = math.floor(float(t.min()) * _US_PER_S)
    hi_us = math.ceil(float(t.max()) * _US_PER_S)
    index = _index_for(cal, lo_us, hi_us)
    while True:
        starts, ends, cum, cum_end = index.arrays()
        k = np.maximum(np.searchsorted(starts, t, side="right") - 1, 0)
        worked = cum[k] + np.minimum(t, ends[k]) - starts[k]
        target = worked + d
        total = index.total / _US_PER_S
        high, low = float(target.max()), float(target.min())
        if high > total:
            index = _grow_forward(cal, index, math.ceil((high - total) * _US_PER_S))
        elif low < 0:
            index = _grow_backward(cal, index, math.ceil(-low * _US_PER_S))
        else:
            break
    forward = np.minimum(np.searchsorted(cum_end, target, side="left"), len(starts) - 1)
    result = np.where(d > 0, starts[forward] + (target - cum[forward]), t)
    negative = d < 0
    if negative.any():
        back = np.maximum(np.searchsorted(cum, target, side="right") - 1, 0)
        result = np.where(negative, starts[back] + (target - cum[back]), result)
    return result
