"""Mainland China statutory holidays and make-up working days (调休), as plain data.

Pure module (no Django import). The data comes from the maintained ``chinese_calendar`` package
(its public ``holidays`` and ``workdays`` tables), which is updated each year after the State
Council publishes the next year's schedule (usually in autumn/winter). The SLA app seeds its
editable calendar tables from :func:`china_exceptions`; admins add or correct days afterwards.

"Known until": the package knows whole years; ``known_until`` is 31 December of the last year it
has data for. Caveat: a new year's notice can still move days at the very end of the previous
year (2018-12-29 became a working day and 2018-12-31 a holiday in the 2019 notice), so warn
admins well ahead of ``known_until``, not on the day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import chinese_calendar  # type: ignore[import-untyped]

from shouhou.sla.worktime import WorkCalendar, make_calendar

__all__ = [
    "CHINA_TZ",
    "PATTERNS",
    "DayName",
    "ExceptionData",
    "china_exceptions",
    "mainland_china_calendar",
]

CHINA_TZ = "Asia/Shanghai"
OFFICE_HOURS = "09:00-12:00,13:00-18:00"
PATTERNS = ("5x8", "7x24")

_ZH_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


class DayName(NamedTuple):
    """The festival a holiday or make-up day belongs to, in English and Chinese."""

    en: str
    zh: str


@dataclass(frozen=True)
class ExceptionData:
    """Dated exceptions for mainland China, read from ``chinese_calendar``.

    * ``holidays``: every non-working date of a statutory holiday period (weekend days inside
      the period included), with the festival's name.
    * ``makeup_days``: weekend dates that are working days (调休), with the festival they pay for.
    * ``years``: the requested years the data covers (known to the package), ascending.
    * ``first_known_year`` / ``last_known_year``: the years the package has data for.
    * ``unknown_years``: requested years outside that range (no data returned for them).
    * ``source``: package name and version, for the audit trail of a seeded calendar.
    """

    holidays: Mapping[date, DayName]
    makeup_days: Mapping[date, DayName]
    years: tuple[int, ...]
    first_known_year: int
    last_known_year: int
    unknown_years: tuple[int, ...]
    source: str

    @property
    def known_until(self) -> date | None:
        """31 December of the last covered year (see the module caveat); None if none is covered."""
        return date(self.years[-1], 12, 31) if self.years else None


def _name(english: str) -> DayName:
    return DayName(english, _ZH_NAMES.get(english, english))


def china_exceptions(years: Iterable[int] | None = None) -> ExceptionData:
    """Holidays and make-up working days of the given years (all known years when ``None``).

    Years the package does not know are listed in ``unknown_years`` instead of raising, so a
    seeding job can report them. Returned mappings are sorted by date.
    """
    known_holidays: Mapping[date, str] = chinese_calendar.holidays
    known_workdays: Mapping[date, str] = chinese_calendar.workdays
    first = min(known_holidays).year
    last = max(max(known_holidays).year, max(known_workdays).year)
    wanted = set(range(first, last + 1)) if years is None else {int(year) for year in years}
    unknown = tuple(sorted(year for year in wanted if not first <= year <= last))
    holidays = {day: _name(name) for day, name in sorted(known_holidays.items()) if day.year in wanted}
    makeup = {day: _name(name) for day, name in sorted(known_workdays.items()) if day.year in wanted}
    return ExceptionData(
        holidays=holidays,
        makeup_days=makeup,
        years=tuple(sorted(year for year in wanted if first <= year <= last)),
        first_known_year=first,
        last_known_year=last,
        unknown_years=unknown,
        source=f"chinese_calendar {chinese_calendar.__version__}",
    )


def mainland_china_calendar(pattern: str = "5x8", years: Iterable[int] | None = None) -> WorkCalendar:
    """A ready-made Asia/Shanghai calendar.

    * ``"5x8"``: Monday–Friday 09:00–12:00 and 13:00–18:00, statutory holidays off, make-up
      working days (调休) working with the Monday pattern; ``known_until`` from the package data.
    * ``"7x24"``: every minute of every day; holidays do not matter, ``known_until`` is ``None``.

    Raises ValueError for any other pattern, or when none of ``years`` is known to the package.
    """
    if pattern == "7x24":
        return make_calendar(CHINA_TZ, ["00:00-24:00"] * 7, name="CN 7x24")
    if pattern != "5x8":
        raise ValueError(f"unknown pattern {pattern!r}; expected one of {PATTERNS}")
    data = china_exceptions(years)
    if not data.years:
        raise ValueError(f"chinese_calendar knows none of the years {data.unknown_years}")
    return make_calendar(
        CHINA_TZ,
        [OFFICE_HOURS] * 5 + [None, None],
        holidays=data.holidays.keys(),
        makeup_days=data.makeup_days.keys(),
        known_until=data.known_until,
        name="CN 5x8",
    )
