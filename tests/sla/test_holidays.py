"""Tests of the mainland-China holiday data and calendars (``shouhou.sla.holidays``, issue 3)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from shouhou.sla.holidays import DayName, china_exceptions, mainland_china_calendar
from shouhou.sla.worktime import is_working, working_time_between

SH = ZoneInfo("Asia/Shanghai")


def test_2025_exceptions_hold_national_day_and_its_makeup_days_with_names() -> None:
    data = china_exceptions([2025])
    assert data.holidays[date(2025, 10, 1)] == DayName("National Day", "国庆节")
    assert data.holidays[date(2025, 10, 6)] == DayName("Mid-autumn Festival", "中秋")
    assert data.makeup_days[date(2025, 9, 28)].zh == "国庆节"
    assert data.makeup_days[date(2025, 10, 11)].zh == "国庆节"
    assert set(data.makeup_days) == {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    }
    assert all(day.year == 2025 for day in [*data.holidays, *data.makeup_days])
    assert data.years == (2025,) and data.known_until == date(2025, 12, 31)


def test_all_known_years_by_default_with_package_version_as_source() -> None:
    data = china_exceptions()
    assert data.first_known_year <= 2004 and data.last_known_year >= 2026
    assert data.years == tuple(range(data.first_known_year, data.last_known_year + 1))
    assert data.known_until == date(data.last_known_year, 12, 31)
    assert data.source == f"chinese_calendar {chinese_calendar.__version__}"
    assert data.unknown_years == ()


def test_unknown_years_are_reported_not_raised() -> None:
    data = china_exceptions([1999, 2025, 2999])
    assert data.unknown_years == (1999, 2999)
    assert data.years == (2025,)
    empty = china_exceptions([2999])
    assert empty.holidays == {} and empty.makeup_days == {} and empty.known_until is None


def test_makeup_days_are_weekend_days_and_never_holidays() -> None:
    data = china_exceptions()
    assert all(day.weekday() >= 5 for day in data.makeup_days)
    assert not set(data.holidays) & set(data.makeup_days)


def test_5x8_calendar_agrees_with_the_package_on_every_known_date() -> None:
    """Every date 2004..last known year: working at 10:00 exactly when the package says workday."""
    cal = mainland_china_calendar("5x8")
    data = china_exceptions()
    day = date(data.first_known_year, 1, 1)
    mismatches = []
    while day.year <= data.last_known_year:
        at_ten = datetime(day.year, day.month, day.day, 10, tzinfo=SH)
        if is_working(cal, at_ten) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []


def test_5x8_working_day_has_eight_hours_with_a_lunch_break() -> None:
    cal = mainland_china_calendar()
    monday = datetime(2025, 9, 29, tzinfo=SH)
    assert working_time_between(cal, monday, monday + timedelta(days=1)) == timedelta(hours=8)
    assert not is_working(cal, monday.replace(hour=12, minute=30))
    assert cal.tz == "Asia/Shanghai" and cal.known_until is not None


def test_7x24_calendar_ignores_holidays_and_never_expires() -> None:
    cal = mainland_china_calendar("7x24")
    national_day = datetime(2025, 10, 1, tzinfo=SH)
    assert working_time_between(cal, national_day, national_day + timedelta(days=8)) == timedelta(days=8)
    assert cal.known_until is None and not cal.runs_out_within(date(2030, 1, 1), 365)


def test_calendar_for_selected_years_knows_only_those() -> None:
    cal = mainland_china_calendar(years=[2025])
    assert cal.known_until == date(2025, 12, 31)
    assert is_working(cal, datetime(2026, 10, 1, 10, tzinfo=SH))  # 2026 data not loaded: plain Thursday
    with pytest.raises(ValueError, match="knows none"):
        mainland_china_calendar(years=[2999])


def test_unknown_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="pattern"):
        mainland_china_calendar("6x10")
