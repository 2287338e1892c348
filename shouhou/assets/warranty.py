"""Warranty period arithmetic (pure): when a unit's warranty starts and ends.

P8.3: warranty counts from the day after acceptance is signed; P13.1 / P14.1: from the signed
acceptance itself.  The rule belongs to the contract; the months to the contract or product model.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

FROM_ACCEPTANCE = "acceptance"
FROM_DAY_AFTER_ACCEPTANCE = "day_after_acceptance"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_period(acceptance: date | None, months: int, rule: str = FROM_ACCEPTANCE) -> tuple[date, date] | None:
    """(first day covered, last day covered) or None when there is no acceptance date yet."""
    if acceptance is None or months <= 0:
        return None
    start = acceptance + timedelta(days=1) if rule == FROM_DAY_AFTER_ACCEPTANCE else acceptance
    return start, add_months(start, months) - timedelta(days=1)
