"""Is an appointment inside a plan's working window? (issue 8: "a maintenance contract's hours
(Mon–Fri 08:30–17:00, no holidays) refuse or warn about an appointment outside them").

Pure module (no Django import): plain values in, a reason code out.

* The window is read in the calendar's time zone (the site's, Asia/Shanghai by default).
* Hours are half-open: "08:30-17:00" takes 08:30 and 16:59, not 17:00 — an appointment is when the
  engineer starts, and nobody starts at closing time.
* With `skip_holidays`, a statutory holiday or a swapped rest day (调休休息日) of the calendar is
  outside the window whatever its weekday, and a make-up working day (调休上班日) is inside it
  (with the window's hours) whatever its weekday: the State Council's schedule decides which days
  are worked.  Without it, only the weekday counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .worktime import parse_day_pattern

__all__ = ["HOLIDAY", "HOURS", "WEEKDAY", "outside_window"]

# Reason codes: why an instant lies outside the window.
WEEKDAY, HOURS, HOLIDAY = "weekday", "hours", "holiday"


def outside_window(at: datetime, *, days: Iterable[int], hours: str, time_zone: str = "Asia/Shanghai",
                   skip_holidays: bool = True, day_kind: Callable[[date], str | None] = lambda day: None) -> str | None:
    """None when `at` lies inside the window; else WEEKDAY, HOURS or HOLIDAY.

    `days`: ISO weekdays (1 = Monday … 7 = Sunday).  `hours`: "HH:MM-HH:MM[,…]".  `day_kind(day)`:
    the calendar's kind of that local date — "holiday", "rest", "makeup" or None.
    """
    local = at.astimezone(ZoneInfo(time_zone))
    kind = day_kind(local.date()) if skip_holidays else None
    if kind in ("holiday", "rest"):
        return HOLIDAY
    if kind != "makeup" and local.isoweekday() not in set(days):
        return WEEKDAY
    minute = local.hour * 60 + local.minute
    if not any(start <= minute < end for start, end in parse_day_pattern(hours or None)):
        return HOURS
    return None
