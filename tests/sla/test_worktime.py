"""Unit tests of the pure working-time core ``shouhou.sla.worktime`` (issue 3).

The calendars here are built by hand (not from the holiday package) so the expectations can be
read off a paper calendar. Scenario tests with the real Chinese data live in
``test_worktime_scenarios.py``; property-based tests in ``test_worktime_properties.py``.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from shouhou.sla.worktime import (
    WorkCalendar,
    add_duration,
    add_working_batch,
    is_working,
    make_calendar,
    next_working_instant,
    parse_day_pattern,
    working_time_between,
)

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = "09:00-12:00,13:00-18:00"
H = timedelta(hours=1)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[arg-type, misc]


def ber(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[arg-type, misc]


@pytest.fixture(scope="module")
def office() -> WorkCalendar:
    """Mon–Fri 09–12/13–18 in Shanghai; 2025-10-01..08 off; Sun 09-28 and Sat 10-11 make-up days."""
    return make_calendar(
        "Asia/Shanghai",
        [OFFICE] * 5 + [None, None],
        holidays=[date(2025, 10, day) for day in range(1, 9)],
        makeup_days=[date(2025, 9, 28), date(2025, 10, 11)],
        known_until=date(2025, 12, 31),
        name="test office",
    )


@pytest.fixture(scope="module")
def round_the_clock() -> WorkCalendar:
    return make_calendar("Asia/Shanghai", ["00:00-24:00"] * 7)


# --------------------------------------------------------------------------- building calendars


def test_day_pattern_accepts_strings_times_and_minutes_alike() -> None:
    as_string = parse_day_pattern("09:00-12:00, 13:00-18:00")
    as_times = parse_day_pattern([(time(9), time(12)), (time(13), time(18))])
    as_minutes = parse_day_pattern([(780, 1080), (540, 720)])
    assert as_string == as_times == as_minutes == ((540, 720), (780, 1080))


def test_day_pattern_end_of_day_is_24_00_or_midnight_time() -> None:
    assert parse_day_pattern("22:00-24:00") == ((1320, 1440),)
    assert parse_day_pattern([(time(22), time(0))]) == ((1320, 1440),)


def test_touching_intervals_merge_and_overlapping_ones_are_refused() -> None:
    assert parse_day_pattern("09:00-12:00,12:00-18:00") == ((540, 1080),)
    with pytest.raises(ValueError, match="overlapping"):
        parse_day_pattern("09:00-12:00,11:00-18:00")


@pytest.mark.parametrize("spec", ["18:00-09:00", "09:00-25:00", "9-10", "09:61-10:00", "09:00"])
def test_malformed_intervals_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_day_pattern(spec)


def test_week_needs_seven_days_or_a_weekday_mapping() -> None:
    with pytest.raises(ValueError):
        make_calendar("UTC", [OFFICE] * 5)
    by_mapping = make_calendar("UTC", {0: OFFICE, 4: OFFICE})
    assert by_mapping.week[0] == by_mapping.week[4] and by_mapping.week[1] == ()
    with pytest.raises(ValueError):
        make_calendar("UTC", {7: OFFICE})


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        make_calendar("Mars/Olympus_Mons", [OFFICE] * 7)


def test_a_date_cannot_be_both_holiday_and_makeup_day() -> None:
    with pytest.raises(ValueError, match="both"):
        make_calendar(
            "UTC", [OFFICE] * 5 + [None, None], holidays=[date(2025, 9, 28)], makeup_days=[date(2025, 9, 28)]
        )


def test_makeup_day_uses_monday_pattern_unless_given_its_own() -> None:
    cal = make_calendar(
        "UTC",
        ["08:00-17:00"] + [OFFICE] * 4 + [None, None],
        makeup_days={date(2025, 9, 28): None, date(2025, 10, 11): "09:00-12:00"},
    )
    assert cal.day_pattern(date(2025, 9, 28)) == ((480, 1020),)
    assert cal.day_pattern(date(2025, 10, 11)) == ((540, 720),)
    cal_friday = make_calendar(
        "UTC", [OFFICE] * 5 + [None, None], makeup_days=[date(2025, 9, 28)], makeup_weekday=4
    )
    assert cal_friday.day_pattern(date(2025, 9, 28)) == ((540, 720), (780, 1080))


def test_direct_construction_insists_on_canonical_fields() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(tz="UTC", week=(((780, 1080), (540, 720)),) + ((),) * 6)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        WorkCalendar(tz="UTC", week=((),) * 7, holidays={date(2025, 1, 1)})  # type: ignore[arg-type]


def test_calendars_are_hashable_values_whatever_their_cache(office: WorkCalendar) -> None:
    twin = make_calendar(
        "Asia/Shanghai",
        [OFFICE] * 5 + [None, None],
        holidays=[date(2025, 10, day) for day in range(8, 0, -1)],
        makeup_days=[date(2025, 10, 11), date(2025, 9, 28)],
        known_until=date(2025, 12, 31),
        name="test office",
    )
    is_working(office, sh(2025, 9, 29, 10))  # fills a cache
    assert twin == office and hash(twin) == hash(office)
    assert {office: 1}[twin] == 1
    assert replace(office, name="other") != office


def test_known_until_tells_callers_when_to_warn(office: WorkCalendar, round_the_clock: WorkCalendar) -> None:
    assert office.known_days_left(date(2025, 12, 1)) == 30
    assert office.runs_out_within(date(2025, 12, 1), 60)
    assert not office.runs_out_within(date(2025, 6, 1), 60)
    assert office.known_days_left(date(2026, 1, 2)) == -2
    assert round_the_clock.known_days_left(date(2025, 12, 1)) is None
    assert not round_the_clock.runs_out_within(date(2025, 12, 1), 10_000)


# --------------------------------------------------------------------------- input validation


def test_naive_datetimes_are_refused_everywhere(office: WorkCalendar) -> None:
    naive = datetime(2025, 9, 29, 10)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="naive"):
        add_duration(office, naive, 1, "working_hours")
    with pytest.raises(ValueError, match="naive"):
        add_duration(office, naive, 1, "hours")
    with pytest.raises(ValueError, match="naive"):
        working_time_between(office, naive, sh(2025, 9, 29, 12))
    with pytest.raises(ValueError, match="naive"):
        is_working(office, naive)
    with pytest.raises(ValueError, match="naive"):
        next_working_instant(office, naive)


@pytest.mark.parametrize("unit", ["days", "working_weeks", "", "Hours"])
def test_unknown_units_are_refused(office: WorkCalendar, unit: str) -> None:
    with pytest.raises(ValueError, match="unit"):
        add_duration(office, sh(2025, 9, 29, 10), 1, unit)


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), Decimal("NaN"), True, "1", None])
def test_non_numeric_or_non_finite_amounts_are_refused(office: WorkCalendar, amount: object) -> None:
    with pytest.raises(ValueError):
        add_duration(office, sh(2025, 9, 29, 10), amount, "working_hours")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- is_working / next


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (sh(2025, 9, 29, 8, 59, 59), False),
        (sh(2025, 9, 29, 9), True),
        (sh(2025, 9, 29, 11, 59, 59, 999999), True),
        (sh(2025, 9, 29, 12), False),
        (sh(2025, 9, 29, 13), True),
        (sh(2025, 9, 29, 18), False),
        (sh(2025, 9, 27, 10), False),  # ordinary Saturday
        (sh(2025, 9, 28, 10), True),  # make-up Sunday
        (sh(2025, 10, 3, 10), False),  # holiday Friday
        (sh(2025, 10, 11, 10), True),  # make-up Saturday
    ],
)
def test_is_working_uses_half_open_intervals_and_exceptions(
    office: WorkCalendar, instant: datetime, expected: bool
) -> None:
    assert is_working(office, instant) is expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (sh(2025, 9, 29, 10), sh(2025, 9, 29, 10)),
        (sh(2025, 9, 29, 12, 30), sh(2025, 9, 29, 13)),
        (sh(2025, 9, 29, 18), sh(2025, 9, 30, 9)),
        (sh(2025, 9, 26, 18, 30), sh(2025, 9, 28, 9)),  # Friday evening -> make-up Sunday
        (sh(2025, 9, 30, 18), sh(2025, 10, 9, 9)),  # over the holiday
        (sh(2025, 10, 4, 3), sh(2025, 10, 9, 9)),
    ],
)
def test_next_working_instant_is_start_of_next_interval(
    office: WorkCalendar, instant: datetime, expected: datetime
) -> None:
    assert next_working_instant(office, instant) == expected


def test_next_working_instant_keeps_the_callers_zone(office: WorkCalendar) -> None:
    result = next_working_instant(office, datetime(2025, 9, 29, 4, 30, tzinfo=UTC))  # 12:30 in Shanghai
    assert result == sh(2025, 9, 29, 13) and result.tzinfo is UTC


# --------------------------------------------------------------------------- working time between


def test_working_time_between_skips_lunch_nights_weekends_and_holidays(office: WorkCalendar) -> None:
    assert working_time_between(office, sh(2025, 9, 29, 10), sh(2025, 9, 29, 14)) == 3 * H
    assert working_time_between(office, sh(2025, 9, 29, 17), sh(2025, 9, 30, 10)) == 2 * H
    assert working_time_between(office, sh(2025, 9, 26, 17), sh(2025, 9, 29, 10)) == 10 * H  # make-up Sunday
    assert working_time_between(office, sh(2025, 9, 30, 17), sh(2025, 10, 9, 10)) == 2 * H


def test_working_time_between_is_negative_when_reversed(office: WorkCalendar) -> None:
    assert working_time_between(office, sh(2025, 9, 29, 14), sh(2025, 9, 29, 10)) == -3 * H
    assert working_time_between(office, sh(2025, 9, 29, 14), sh(2025, 9, 29, 14)) == timedelta(0)


# --------------------------------------------------------------------------- add_duration


def test_working_hours_run_out_at_the_end_of_the_day_not_the_next_morning(office: WorkCalendar) -> None:
    assert add_duration(office, sh(2025, 9, 29, 9), 8, "working_hours") == sh(2025, 9, 29, 18)
    assert add_duration(office, sh(2025, 9, 29, 10), 8, "working_hours") == sh(2025, 9, 30, 10)


def test_working_time_starts_at_the_next_working_instant(office: WorkCalendar) -> None:
    assert add_duration(office, sh(2025, 9, 29, 12, 15), 30, "working_minutes") == sh(2025, 9, 29, 13, 30)
    assert add_duration(office, sh(2025, 9, 27, 3), 1, "working_hours") == sh(2025, 9, 28, 10)


@pytest.mark.parametrize("amount", [1.5, Decimal("1.5"), Fraction(3, 2)])
def test_fractional_amounts_of_any_numeric_type_agree(office: WorkCalendar, amount: float) -> None:
    assert add_duration(office, sh(2025, 9, 29, 11), amount, "working_hours") == sh(2025, 9, 29, 13, 30)
    assert add_duration(office, sh(2025, 9, 29, 11), amount * 60, "working_minutes") == sh(
        2025, 9, 29, 13, 30
    )


def test_zero_amount_returns_the_start_for_every_unit(office: WorkCalendar) -> None:
    saturday_night = sh(2025, 9, 27, 23, 0, 7)
    for unit in ("minutes", "hours", "calendar_days", "working_minutes", "working_hours", "working_days"):
        assert add_duration(office, saturday_night, 0, unit) == saturday_night


def test_negative_working_hours_walk_back_and_land_on_an_interval_start(office: WorkCalendar) -> None:
    assert add_duration(office, sh(2025, 9, 30, 10), -1, "working_hours") == sh(2025, 9, 30, 9)
    assert add_duration(office, sh(2025, 9, 30, 10), -2, "working_hours") == sh(2025, 9, 29, 17)
    assert add_duration(office, sh(2025, 9, 29, 14), -1, "working_hours") == sh(2025, 9, 29, 13)
    assert add_duration(office, sh(2025, 10, 9, 9, 30), -1, "working_hours") == sh(2025, 9, 30, 17, 30)


def test_large_durations_use_the_index_beyond_the_first_window(office: WorkCalendar) -> None:
    start = sh(2025, 9, 29, 10)
    for hours in (300, 5_000, 40_000):  # 40,000 working hours is about 19 years of office time
        due = add_duration(office, start, hours, "working_hours")
        assert working_time_between(office, start, due) == hours * H
        assert add_duration(office, due, -hours, "working_hours") == start


def test_plain_hours_are_elapsed_time_across_dst() -> None:
    cal = make_calendar("Europe/Berlin", [OFFICE] * 7)
    assert add_duration(cal, ber(2025, 3, 30, 1, 30), 1, "hours") == ber(2025, 3, 30, 3, 30)
    assert add_duration(cal, ber(2025, 10, 26, 1, 30), 2, "hours") == ber(2025, 10, 26, 2, 30, 0).replace(
        fold=1
    )
    assert add_duration(cal, ber(2025, 3, 30, 1, 30), 90, "minutes") == ber(2025, 3, 30, 4, 0)


def test_calendar_days_are_24_elapsed_hours() -> None:
    cal = make_calendar("Europe/Berlin", [OFFICE] * 7)
    assert add_duration(cal, ber(2025, 3, 29, 12), 1, "calendar_days") == ber(2025, 3, 30, 13)
    assert add_duration(cal, ber(2025, 3, 29, 12), Decimal("0.5"), "calendar_days") == ber(2025, 3, 30, 0)
    assert add_duration(cal, sh(2025, 9, 30, 17, 50), 2, "calendar_days") == sh(2025, 10, 2, 17, 50)


# --------------------------------------------------------------------------- the working-days rule


def test_working_days_end_at_the_close_of_the_nth_following_working_day() -> None:
    """P5.6 rule: Friday's inspection, 3 working days -> close of Wednesday (plain week)."""
    plain = make_calendar("Asia/Shanghai", [OFFICE] * 5 + [None, None])
    for hour in (7, 10, 17, 23):
        assert add_duration(plain, sh(2025, 9, 19, hour), 3, "working_days") == sh(2025, 9, 24, 18)


def test_working_days_never_count_the_start_date_even_before_opening() -> None:
    plain = make_calendar("Asia/Shanghai", [OFFICE] * 5 + [None, None])
    assert add_duration(plain, sh(2025, 9, 22, 7), 1, "working_days") == sh(2025, 9, 23, 18)
    assert add_duration(plain, sh(2025, 9, 20, 10), 1, "working_days") == sh(
        2025, 9, 22, 18
    )  # from a Saturday


def test_working_days_count_makeup_days_and_skip_holidays(office: WorkCalendar) -> None:
    assert add_duration(office, sh(2025, 9, 26, 15), 1, "working_days") == sh(2025, 9, 28, 18)
    assert add_duration(office, sh(2025, 9, 26, 15), 4, "working_days") == sh(2025, 10, 9, 18)
    assert add_duration(office, sh(2025, 10, 10, 15), 1, "working_days") == sh(2025, 10, 11, 18)


def test_fractional_working_days_take_a_share_of_that_days_working_time() -> None:
    plain = make_calendar("Asia/Shanghai", [OFFICE] * 5 + [None, None])
    friday = sh(2025, 9, 19, 15)
    assert add_duration(plain, friday, 0.5, "working_days") == sh(2025, 9, 22, 14)  # 4 of 8 hours
    assert add_duration(plain, friday, Decimal("1.25"), "working_days") == sh(2025, 9, 23, 11)  # 2 of 8 hours
    assert add_duration(plain, friday, Fraction(1, 8), "working_days") == sh(2025, 9, 22, 10)


def test_negative_working_days_mirror_the_rule() -> None:
    plain = make_calendar("Asia/Shanghai", [OFFICE] * 5 + [None, None])
    wednesday = sh(2025, 9, 24, 10)
    assert add_duration(plain, wednesday, -1, "working_days") == sh(2025, 9, 23, 9)
    assert add_duration(plain, wednesday, -3, "working_days") == sh(2025, 9, 19, 9)
    assert add_duration(plain, wednesday, -0.5, "working_days") == sh(2025, 9, 23, 14)
    assert add_duration(plain, wednesday, -1.5, "working_days") == sh(2025, 9, 22, 14)


def test_working_days_on_a_round_the_clock_calendar_end_at_midnight(round_the_clock: WorkCalendar) -> None:
    assert add_duration(round_the_clock, sh(2025, 9, 30, 17, 50), 1, "working_days") == sh(2025, 10, 2, 0)
    assert add_duration(round_the_clock, sh(2025, 9, 30, 17, 50), 0.5, "working_days") == sh(2025, 10, 1, 12)


# --------------------------------------------------------------------------- zones, DST, midnight


def test_input_zone_does_not_change_the_instant_and_output_keeps_it(office: WorkCalendar) -> None:
    in_shanghai = add_duration(office, sh(2025, 9, 30, 17, 50), 30, "working_minutes")
    in_utc = add_duration(office, datetime(2025, 9, 30, 9, 50, tzinfo=UTC), 30, "working_minutes")
    in_new_york = add_duration(office, datetime(2025, 9, 30, 5, 50, tzinfo=NEW_YORK), 30, "working_minutes")
    assert in_shanghai == in_utc == in_new_york == sh(2025, 10, 9, 9, 20)
    assert in_utc.tzinfo is UTC and in_new_york.tzinfo is NEW_YORK
    assert in_new_york.hour == 21  # 2025-10-08 21:20 in New York (EDT)


def test_dst_days_last_23_and_25_hours_on_a_round_the_clock_calendar() -> None:
    cal = make_calendar("Europe/Berlin", ["00:00-24:00"] * 7)
    assert working_time_between(cal, ber(2025, 3, 30), ber(2025, 3, 31)) == 23 * H
    assert working_time_between(cal, ber(2025, 10, 26), ber(2025, 10, 27)) == 25 * H
    assert add_duration(cal, ber(2025, 3, 30, 5), 1, "working_days") == ber(
        2025, 4, 1
    )  # start date never counts


def test_office_hours_follow_local_wall_clock_after_dst_change() -> None:
    cal = make_calendar("Europe/Berlin", [OFFICE] * 5 + [None, None])
    due = add_duration(cal, ber(2025, 3, 28, 17), 2, "working_hours")  # Friday CET -> Monday CEST
    assert due == ber(2025, 3, 31, 10) and due.utcoffset() == 2 * H
    assert working_time_between(cal, ber(2025, 3, 28, 17), ber(2025, 3, 31, 10)) == 2 * H


def test_skipped_and_repeated_wall_times_map_monotonically() -> None:
    """A boundary in the skipped hour means the transition; in the repeated hour, its first occurrence."""
    night = make_calendar("Europe/Berlin", ["02:30-04:00"] * 7)
    assert working_time_between(night, ber(2025, 3, 30), ber(2025, 3, 31)) == 1 * H  # 03:00 CEST .. 04:00
    assert (
        working_time_between(night, ber(2025, 10, 26), ber(2025, 10, 27)) == 2.5 * H
    )  # first 02:30 .. 04:00
    assert next_working_instant(night, ber(2025, 3, 30, 1)) == ber(2025, 3, 30, 3)
    empty_gap = make_calendar("Europe/Berlin", ["02:15-02:45"] * 7)
    assert working_time_between(empty_gap, ber(2025, 3, 30), ber(2025, 3, 31)) == timedelta(0)
    assert not is_working(empty_gap, ber(2025, 3, 30, 3))


def test_night_shift_across_midnight_is_continuous_working_time() -> None:
    cal = make_calendar("Asia/Shanghai", ["00:00-06:00,22:00-24:00"] * 7, holidays=[date(2025, 10, 1)])
    assert add_duration(cal, sh(2025, 9, 28, 23), 4, "working_hours") == sh(2025, 9, 29, 3)
    assert is_working(cal, sh(2025, 9, 29, 0)) and not is_working(cal, sh(2025, 9, 29, 6))
    # a holiday on the second date cuts the shift at midnight
    assert add_duration(cal, sh(2025, 9, 30, 23), 2, "working_hours") == sh(2025, 10, 2, 1)


def test_year_end_is_an_ordinary_boundary(office: WorkCalendar) -> None:
    assert add_duration(office, sh(2025, 12, 31, 17), 2, "working_hours") == sh(2026, 1, 1, 10)
    assert working_time_between(office, sh(2025, 12, 31, 17), sh(2026, 1, 1, 10)) == 2 * H


# --------------------------------------------------------------------------- degenerate calendars


def test_a_calendar_without_working_time_refuses_working_units_only() -> None:
    never = make_calendar("UTC", [None] * 7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="no working time"):
        add_duration(never, start, 1, "working_hours")
    with pytest.raises(ValueError, match="no working time"):
        add_duration(never, start, -1, "working_days")
    with pytest.raises(ValueError, match="no working time"):
        next_working_instant(never, start)
    assert not is_working(never, start)
    assert working_time_between(never, start, start + 1000 * H) == timedelta(0)
    assert add_duration(never, start, 1, "hours") == start + H


def test_only_makeup_days_give_working_time_to_an_empty_week() -> None:
    cal = make_calendar("UTC", [None] * 7, makeup_days={date(2025, 6, 1): "09:00-17:00"})
    start = datetime(2025, 1, 1, tzinfo=UTC)
    assert add_duration(cal, start, 8, "working_hours") == datetime(2025, 6, 1, 17, tzinfo=UTC)
    with pytest.raises(ValueError, match="no working time"):
        add_duration(cal, start, 9, "working_hours")


def test_results_outside_years_1_to_9999_are_refused(office: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        add_duration(office, sh(9999, 12, 30, 10), 5, "calendar_days")


# --------------------------------------------------------------------------- batch


def test_batch_matches_scalar_including_zero_negative_and_off_hours(office: WorkCalendar) -> None:
    starts = [
        sh(2025, 9, 26, 15),
        sh(2025, 9, 27, 3),
        sh(2025, 9, 30, 17, 50),
        sh(2025, 10, 9, 9, 30),
        sh(2025, 9, 29, 12, 30),
    ]
    amounts = [3600 * 5, 60, 1800, -3600, 0]
    expected = [
        add_duration(office, s, Fraction(a, 60), "working_minutes").timestamp()
        for s, a in zip(starts, amounts, strict=True)
    ]
    got = add_working_batch(office, np.array([s.timestamp() for s in starts]), np.array(amounts, dtype=float))
    assert np.array_equal(got, np.array(expected))


def test_batch_broadcasts_a_single_duration_and_handles_empty_input(office: WorkCalendar) -> None:
    starts = np.array([sh(2025, 9, 29, 9).timestamp(), sh(2025, 9, 30, 9).timestamp()])
    got = add_working_batch(office, starts, 8 * 3600)
    assert list(got) == [sh(2025, 9, 29, 18).timestamp(), sh(2025, 9, 30, 18).timestamp()]
    assert add_working_batch(office, np.array([]), np.array([])).shape == (0,)


def test_batch_grows_its_window_for_far_targets(office: WorkCalendar) -> None:
    start = sh(2025, 9, 29, 10)
    got = add_working_batch(office, [start.timestamp()], [20_000 * 3600.0])
    assert got[0] == add_duration(office, start, 20_000, "working_hours").timestamp()


def test_batch_refuses_non_finite_input(office: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        add_working_batch(office, [float("nan")], [1.0])
