"""What each unit of a target's duration means: the pure definition, one function per unit (issue 8).

No Django import (architecture.md, "pure cores").  Every unit a service plan may use:

* ``minutes``, ``hours``, ``calendar_days`` — elapsed real time (a calendar day is 24 h).
* ``working_minutes``, ``working_hours`` — working time of the target's calendar only; night,
  weekends and holidays do not count (worktime.add_duration).
* ``working_days`` — "within 3 working days": until the end of the N-th working day after the
  start's date; the start's own date never counts (worktime.add_duration, "Working days").
* ``working_half_days`` — "arrive within half a working day": N × half of the calendar's
  *working day length* of working time, counted from the start like working hours.  The working
  day length is the working time of the calendar's usual working day: the most frequent
  non-zero day length of its weekly pattern (a tie: the longer one).  On an 08:30–17:30 calendar
  half a working day is 4 h 30 min of working time, so a report at 22:00 is due at 13:00 on the
  next working day (08:30 + 4 h 30 min) — not 12 working hours later, and not "half of whatever
  is left of today".  A report at 15:00 uses 2 h 30 min that day and is due at 10:30 the next
  working day.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from fractions import Fraction

from .worktime import Amount, WorkCalendar, add_duration

HALF_DAYS = "working_half_days"
PLAIN = frozenset({"minutes", "hours", "calendar_days"})
WORKING = frozenset({"working_minutes", "working_hours", "working_days", HALF_DAYS})
ALL_UNITS = PLAIN | WORKING


def working_day_length(cal: WorkCalendar) -> timedelta:
    """The working time of the calendar's usual working day (see the module docstring).

    ValueError for a calendar without any working time in its week.
    """
    lengths = [sum(end - start for start, end in day) for day in cal.week]
    counts = Counter(length for length in lengths if length > 0)
    if not counts:
        raise ValueError(f"calendar {cal.name!r} has no working day in its week")
    minutes = max(counts, key=lambda length: (counts[length], length))
    return timedelta(minutes=minutes)


def half_day_length(cal: WorkCalendar) -> timedelta:
    """Half a working day of working time (exact to the microsecond)."""
    return working_day_length(cal) / 2


def _fraction(amount: Amount) -> Fraction:
    return Fraction(str(amount)) if isinstance(amount, float) else Fraction(amount)


def as_working_time(cal: WorkCalendar, amount: Amount, unit: str = HALF_DAYS) -> timedelta:
    """``amount`` half working days as working time (the budget of such a clock)."""
    if unit != HALF_DAYS:
        raise ValueError(f"{unit!r} is not measured in half working days")
    half_us = half_day_length(cal) // timedelta(microseconds=1)
    return timedelta(microseconds=round(_fraction(amount) * half_us))


def due(cal: WorkCalendar | None, start: datetime, amount: Amount, unit: str) -> datetime:
    """The instant ``amount`` ``unit`` after ``start`` — the due time of a clock that never pauses.

    Calendar-time units need no calendar (pass None); working units need one.
    """
    if unit not in ALL_UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(ALL_UNITS)}")
    if unit in PLAIN:
        return start + _plain(amount, unit)
    if cal is None:
        raise ValueError(f"unit {unit!r} counts working time and needs a calendar")
    if unit == HALF_DAYS:
        micros = as_working_time(cal, amount) // timedelta(microseconds=1)
        return add_duration(cal, start, Fraction(micros, 60_000_000), "working_minutes")
    return add_duration(cal, start, amount, unit)


_PLAIN_SECONDS = {"minutes": 60, "hours": 3600, "calendar_days": 86400}


def _plain(amount: Amount, unit: str) -> timedelta:
    return timedelta(microseconds=round(_fraction(amount) * _PLAIN_SECONDS[unit] * 1_000_000))
