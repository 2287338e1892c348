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
import holidays as holiday_pkg  # type: ignore[import-untyped]
from holidays.countries.china import ChinaStaticHolidays  # type: ignore[import-untyped]

from shouhou.sla.worktime import WorkCalendar, make_calendar

__all__ = [
    "CHINA_TZ",
    "PATTERNS",
    "DayName",
    "DaySpec",
    "ExceptionData",
    "Schedule",
    "china_exceptions",
    "mainland_china_calendar",
    "official_schedule",
    "provisional_schedule",
    "statutory_dates",
]

# Day types (the values of shouhou.sla.choices.DayKind): a statutory holiday (法定节假日), a
# swapped rest day (调休休息日: any other day off inside a holiday period) and a make-up working
# day (调休上班日).  The first two are non-working for the working-time core.
HOLIDAY, REST, MAKEUP = "holiday", "rest", "makeup"

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


class DaySpec(NamedTuple):
    """One dated exception of a year's schedule: date, day type (HOLIDAY/REST/MAKEUP), Chinese name."""

    date: date
    kind: str
    name: str


@dataclass(frozen=True)
class Schedule:
    """A year's holidays, swapped rest days and make-up working days, with where they come from.

    ``provisional``: computed from the law's rules (lunar dates included) because no official
    notice is known for the year — make-up working days are then unknown.
    """

    year: int
    days: tuple[DaySpec, ...]
    source: str
    provisional: bool


def _holiday_pkg(year: int, *, observed: bool) -> dict[date, str]:
    china = holiday_pkg.country_holidays("CN", years=year, observed=observed, language="zh_CN")
    return dict(sorted(china.items()))


def statutory_dates(year: int) -> dict[date, str]:
    """The statutory holidays of ``year`` under the law in force that year (13 days since 2025).

    From the maintained ``holidays`` package, lunar festivals included; swapped days (its
    "休息日（由 … 调休）" entries) and observed days are left out.
    """
    return {day: name for day, name in _holiday_pkg(year, observed=False).items() if "调休" not in name}


def _kind(day: date, statutory: Mapping[date, str]) -> str:
    return HOLIDAY if day in statutory else REST


def _from_chinese_calendar(year: int) -> Schedule | None:
    data = china_exceptions([year])
    if not data.years:
        return None
    statutory = statutory_dates(year)
    days = [DaySpec(day, _kind(day, statutory), statutory.get(day, name.zh)) for day, name in data.holidays.items()]
    days += [DaySpec(day, MAKEUP, f"{name.zh}调休") for day, name in data.makeup_days.items()]
    return Schedule(year, tuple(sorted(days)), data.source, provisional=False)


def _from_holidays_package(year: int) -> Schedule | None:
    """The year's official schedule as the ``holidays`` package carries it (its substituted days)."""
    swaps = ChinaStaticHolidays.special_public_holidays.get(year)
    if not swaps:
        return None
    statutory = statutory_dates(year)
    named = {day: name.split("（")[0] for day, name in _holiday_pkg(year, observed=True).items() if "调休" not in name}
    days = {day: DaySpec(day, HOLIDAY, name) for day, name in statutory.items()}
    for swap in swaps if isinstance(swaps[0], tuple) else [swaps]:
        rest, work = date(year, swap[0], swap[1]), date(year, swap[2], swap[3])
        near = min(named, key=lambda d: abs((d - rest).days), default=None)
        label = named.get(near, "") if near else ""
        days[rest] = DaySpec(rest, REST, label)
        days[work] = DaySpec(work, MAKEUP, f"{label}调休" if label else "调休")
    for day, name in named.items():  # observed (补假) days the notice gives
        days.setdefault(day, DaySpec(day, REST, name))
    return Schedule(year, tuple(sorted(days.values())), f"holidays {holiday_pkg.__version__}", provisional=False)


def official_schedule(year: int) -> Schedule | None:
    """The official schedule of ``year`` from a maintained package, or None when none carries it yet.

    ``chinese_calendar`` first (it has every day of each holiday period), then ``holidays``
    (statutory days plus the substituted days of the notice).
    """
    return _from_chinese_calendar(year) or _from_holidays_package(year)


def provisional_schedule(year: int) -> Schedule:
    """A provisional schedule for a year without official data: the statutory days the law fixes
    (lunar ones computed) plus the days the ``holidays`` package estimates off when a festival falls
    on a weekend ("补假，推定").  No make-up working days: only the notice can say those."""
    statutory = statutory_dates(year)
    days = [DaySpec(day, HOLIDAY if day in statutory else REST, name.split("（")[0])
            for day, name in _holiday_pkg(year, observed=True).items() if "调休" not in name]
    return Schedule(year, tuple(sorted(days)), f"holidays {holiday_pkg.__version__}", provisional=True)
