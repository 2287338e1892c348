"""Scenario tests straight from the seed's service plans, on the real mainland-China calendar.

Dates are checked against the State Council schedules held by ``chinese_calendar``:
* 2025: National Day + Mid-autumn 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are working.
* 2026: Mid-autumn 09-25..27 off; National Day 10-01..10-07 off; Sunday 09-20 and Saturday 10-10
  are working; New Year 2026-01-01..03 off and Sunday 01-04 working; Spring Festival 02-15..23
  off with Saturdays 02-14 and 02-28 working.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shouhou.sla.holidays import mainland_china_calendar
from shouhou.sla.worktime import WorkCalendar, add_duration, is_working, working_time_between

SH = ZoneInfo("Asia/Shanghai")


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[arg-type, misc]


@pytest.fixture(scope="module")
def office() -> WorkCalendar:
    return mainland_china_calendar("5x8")


@pytest.fixture(scope="module")
def round_the_clock() -> WorkCalendar:
    return mainland_china_calendar("7x24")


P13_TARGETS = [  # P13.2: respond in 30 min, on site in 2 h, done in 4 h (else a loaner)
    ("response", 30, "working_minutes"),
    ("on_site", 2, "working_hours"),
    ("fixed_or_loaner", 4, "working_hours"),
]


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        (sh(2025, 9, 30, 17, 50), [sh(2025, 10, 9, 9, 20), sh(2025, 10, 9, 10, 50), sh(2025, 10, 9, 13, 50)]),
        (sh(2026, 9, 30, 17, 50), [sh(2026, 10, 8, 9, 20), sh(2026, 10, 8, 10, 50), sh(2026, 10, 8, 13, 50)]),
    ],
    ids=["national-day-2025", "national-day-2026"],
)
def test_p13_2_level1_fault_at_1750_before_national_day_on_5x8_waits_for_the_holiday_to_end(
    office: WorkCalendar, reported: datetime, expected: list[datetime]
) -> None:
    """P13.2 on a 5×8 plan: 10 working minutes remain on the eve, the rest after the holiday."""
    dues = [add_duration(office, reported, amount, unit) for _, amount, unit in P13_TARGETS]
    assert dues == expected
    assert working_time_between(office, reported, dues[-1]) == timedelta(hours=4)


@pytest.mark.parametrize("reported", [sh(2025, 9, 30, 17, 50), sh(2026, 9, 30, 17, 50)])
def test_p13_2_level1_fault_at_1750_before_national_day_on_7x24_is_due_the_same_evening(
    round_the_clock: WorkCalendar, reported: datetime
) -> None:
    """P13.2 on a 7×24 plan: holidays do not stop the clock; the loaner opens at 21:50 (4 h)."""
    dues = [add_duration(round_the_clock, reported, amount, unit) for _, amount, unit in P13_TARGETS]
    assert dues == [
        reported + timedelta(minutes=30),
        reported + timedelta(hours=2),
        reported + timedelta(hours=4),
    ]
    assert dues[-1].hour == 21 and dues[-1].minute == 50


@pytest.mark.parametrize(
    ("inspection_done", "due"),
    [
        (sh(2025, 10, 10, 16, 0), sh(2025, 10, 14, 18)),  # make-up Sat 10-11, Mon 10-13, Tue 10-14
        (sh(2026, 10, 9, 11, 30), sh(2026, 10, 13, 18)),  # make-up Sat 10-10, Mon 10-12, Tue 10-13
        (sh(2025, 9, 26, 17, 45), sh(2025, 9, 30, 18)),  # make-up Sun 09-28, Mon 09-29, Tue 09-30
    ],
    ids=["2025-10-10", "2026-10-09", "2025-09-26-makeup-sunday"],
)
def test_p5_6_inspection_report_due_3_working_days_after_a_friday_counts_the_makeup_weekend_day(
    office: WorkCalendar, inspection_done: datetime, due: datetime
) -> None:
    """P5.6: the report is due at the close of the 3rd working day after the inspection date."""
    assert inspection_done.weekday() == 4
    assert add_duration(office, inspection_done, 3, "working_days") == due


def test_p5_6_without_makeup_days_the_report_would_be_due_a_day_later(office: WorkCalendar) -> None:
    """What generic holiday libraries get wrong: they cannot make a Saturday a working day."""
    no_makeup = replace(office, makeup_days=())
    assert add_duration(no_makeup, sh(2025, 10, 10, 16), 3, "working_days") == sh(2025, 10, 15, 18)


def test_p14_12_training_within_10_working_days_spans_national_day(office: WorkCalendar) -> None:
    """P14.12: 09-28(Sun), 29, 30, 10-09, 10, 11(Sat), 13, 14, 15, 16 -> due 2025-10-16 18:00."""
    assert add_duration(office, sh(2025, 9, 26, 10), 10, "working_days") == sh(2025, 10, 16, 18)


def test_fault_on_new_years_eve_resumes_on_the_makeup_sunday(office: WorkCalendar) -> None:
    """Year end: 2026-01-01..03 are off and Sunday 2026-01-04 is a working day."""
    reported = sh(2025, 12, 31, 17)
    assert add_duration(office, reported, 2, "working_hours") == sh(2026, 1, 4, 10)
    assert add_duration(office, reported, 1, "working_days") == sh(2026, 1, 4, 18)


def test_spring_festival_eve_fault_uses_the_makeup_saturday_before_it(office: WorkCalendar) -> None:
    """P13.2 fix target of 4 h reported Friday 2026-02-13 16:00: 2 h that day, 2 h on Sat 02-14."""
    assert add_duration(office, sh(2026, 2, 13, 16), 4, "working_hours") == sh(2026, 2, 14, 11)
    assert add_duration(office, sh(2026, 2, 14, 17), 2, "working_hours") == sh(2026, 2, 24, 10)


def test_p8_4_clock_shown_to_an_engineer_abroad_is_the_same_instant(office: WorkCalendar) -> None:
    """Instants are zone-independent: a Berlin dispatcher sees the Shanghai due time in CEST."""
    reported_in_berlin = datetime(2025, 9, 30, 11, 50, tzinfo=ZoneInfo("Europe/Berlin"))  # 17:50 Shanghai
    due = add_duration(office, reported_in_berlin, 1, "working_hours")
    assert due == sh(2025, 10, 9, 9, 50)
    assert due.astimezone(UTC) == datetime(2025, 10, 9, 1, 50, tzinfo=UTC)


def test_holidays_and_makeup_days_of_national_day_2025(office: WorkCalendar) -> None:
    assert is_working(office, sh(2025, 9, 28, 10)) and is_working(office, sh(2025, 10, 11, 10))
    assert not any(is_working(office, sh(2025, 10, day, 10)) for day in range(1, 9))
    assert working_time_between(office, sh(2025, 9, 26, 18), sh(2025, 10, 13, 9)) == timedelta(hours=6 * 8)


def test_admins_are_warned_before_the_package_data_runs_out(office: WorkCalendar) -> None:
    """Issue 3: holiday lists must not expire silently."""
    assert office.known_until is not None
    warn_from = office.known_until - timedelta(days=90)
    assert office.runs_out_within(warn_from + timedelta(days=1), 90)
    assert not office.runs_out_within(warn_from - timedelta(days=1), 90)
    assert office.known_until >= date(2026, 12, 31)
