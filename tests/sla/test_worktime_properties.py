"""Property-based tests of the working-time core (issue 3, "Correctness").

Calendars are drawn from fixed real ones (mainland China 5×8 and 7×24, a Berlin office with DST)
and from random weekly patterns with random holidays and make-up days in zones with unusual DST
(Lord Howe shifts by 30 minutes). Instants are drawn in any of several zones, at whole minutes
(to hit interval boundaries) or to the microsecond. The last test cross-checks random cases
against businesstimedelta, an independent implementation, on an identical calendar.
"""

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import businesstimedelta
import numpy as np
import pytz
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shouhou.sla.holidays import mainland_china_calendar
from shouhou.sla.worktime import (
    DAY_MINUTES,
    WorkCalendar,
    add_duration,
    add_working_batch,
    is_working,
    make_calendar,
    next_working_instant,
    working_time_between,
)

settings.register_profile(  # WORKTIME_EXAMPLES=2000 for a deep run
    "worktime",
    deadline=None,
    max_examples=int(os.environ.get("WORKTIME_EXAMPLES", "120")),
    derandomize=bool(os.environ.get("CI")),  # CI replays the same examples; local runs keep exploring
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("worktime")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
LO_US = (datetime(2024, 1, 1, tzinfo=UTC) - EPOCH) // US
HI_US = (datetime(2026, 12, 31, tzinfo=UTC) - EPOCH) // US
INPUT_ZONES = [UTC, ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]
CALENDAR_ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]
OFFICE = "09:00-12:00,13:00-18:00"

CHINA_5X8 = mainland_china_calendar("5x8")
FIXED_CALENDARS = [
    CHINA_5X8,
    mainland_china_calendar("7x24"),
    make_calendar(
        "Europe/Berlin",
        [OFFICE] * 5 + [None, None],
        holidays=[date(2025, 4, 18), date(2025, 4, 21), date(2025, 12, 25), date(2025, 12, 26)],
        makeup_days={date(2025, 3, 29): "02:00-04:00", date(2025, 10, 25): None},
        name="Berlin office",
    ),
]


# --------------------------------------------------------------------------- strategies


@st.composite
def day_patterns(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    """Random sorted, non-overlapping minute intervals of one day."""
    cuts = sorted(draw(st.sets(st.integers(0, DAY_MINUTES), max_size=6)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    return tuple(zip(cuts[::2], cuts[1::2], strict=True))


@st.composite
def random_calendars(draw: st.DrawFn) -> WorkCalendar:
    week = [draw(day_patterns()) for _ in range(7)]
    assume(sum(end - start for day in week for start, end in day) >= 60)
    dates = st.dates(date(2024, 1, 1), date(2026, 12, 31))
    holidays = draw(st.sets(dates, max_size=25))
    makeup = draw(st.dictionaries(dates, st.one_of(st.none(), day_patterns()), max_size=10))
    makeup = {day: spec for day, spec in makeup.items() if day not in holidays}
    return make_calendar(draw(st.sampled_from(CALENDAR_ZONES)), week, holidays=holidays, makeup_days=makeup)


calendars = st.one_of(st.sampled_from(FIXED_CALENDARS), random_calendars())


def _instant(us: int, zone: object) -> datetime:
    return (EPOCH + timedelta(microseconds=us)).astimezone(zone)  # type: ignore[arg-type]


instants = st.builds(
    _instant,
    st.one_of(st.integers(LO_US, HI_US).map(lambda us: us - us % 60_000_000), st.integers(LO_US, HI_US)),
    st.sampled_from(INPUT_ZONES),
)
working_us = st.one_of(
    st.integers(1, 400 * 3_600_000_000), st.integers(1, 3000).map(lambda m: m * 60_000_000)
)


def minutes(us: int) -> Fraction:
    """An exact amount of working minutes."""
    return Fraction(us, 60_000_000)


def _working_date(cal: WorkCalendar, day: date) -> bool:
    zone = ZoneInfo(cal.tz)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return working_time_between(cal, start, end) > timedelta(0)


# --------------------------------------------------------------------------- properties


@given(calendars, instants, working_us)
def test_add_then_measure_gives_back_the_duration(cal: WorkCalendar, start: datetime, amount: int) -> None:
    due = add_duration(cal, start, minutes(amount), "working_minutes")
    assert due >= start
    assert working_time_between(cal, start, due) == timedelta(microseconds=amount)
    back = add_duration(cal, start, -minutes(amount), "working_minutes")
    assert back <= start
    assert working_time_between(cal, back, start) == timedelta(microseconds=amount)


@given(calendars, instants, instants, working_us)
def test_due_time_is_monotonic_in_the_start(cal: WorkCalendar, a: datetime, b: datetime, amount: int) -> None:
    early, late = sorted([a, b])
    for unit, value in (
        ("working_minutes", minutes(amount)),
        ("working_days", Fraction(amount, 3_600_000_000)),
    ):
        assert add_duration(cal, early, value, unit) <= add_duration(cal, late, value, unit)


@given(calendars, instants, working_us, working_us)
def test_due_time_is_monotonic_in_the_duration(cal: WorkCalendar, start: datetime, x: int, y: int) -> None:
    small, large = sorted([x, y])
    assert add_duration(cal, start, minutes(small), "working_minutes") <= add_duration(
        cal, start, minutes(large), "working_minutes"
    )
    small_days, large_days = Fraction(small, 3_600_000_000), Fraction(large, 3_600_000_000)
    assert add_duration(cal, start, small_days, "working_days") <= add_duration(
        cal, start, large_days, "working_days"
    )


@given(calendars, instants, working_us)
def test_a_due_time_closes_working_time_and_never_lies_in_a_holiday(
    cal: WorkCalendar, start: datetime, amount: int
) -> None:
    due = add_duration(cal, start, minutes(amount), "working_minutes")
    last_working = due - US
    assert is_working(cal, last_working)
    assert last_working.astimezone(ZoneInfo(cal.tz)).date() not in cal.holidays


def elapsed(a: datetime, b: datetime) -> timedelta:
    """Real time from a to b, whatever their wall clocks say."""
    return b.astimezone(UTC) - a.astimezone(UTC)


@given(calendars, instants)
def test_is_working_follows_the_local_pattern_of_the_day(cal: WorkCalendar, t: datetime) -> None:
    zone = ZoneInfo(cal.tz)
    local = t.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
    next_midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    # The oracle ignores DST transition days.  Aware datetimes sharing a tzinfo subtract as wall
    # clock times, so compare their UTC instants.
    assume(elapsed(midnight, next_midnight) == timedelta(days=1))
    minute = (
        local.hour * 60 + local.minute + Fraction(local.second * 1_000_000 + local.microsecond, 60_000_000)
    )
    expected = any(start <= minute < end for start, end in cal.day_pattern(local.date()))
    assert is_working(cal, t) is expected


@given(calendars, st.sampled_from(range(60)), st.data())
def test_makeup_days_count_as_working_time(cal: WorkCalendar, pick: int, data: st.DataObject) -> None:
    assume(cal.makeup_days)
    day, pattern = cal.makeup_days[pick % len(cal.makeup_days)]
    assume(pattern)
    zone = ZoneInfo(cal.tz)
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    assume(elapsed(midnight, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone))
           == timedelta(days=1))  # not a DST transition day (e.g. Lord Howe's 30-minute shift)
    start, end = data.draw(st.sampled_from(pattern))
    minute = data.draw(st.integers(start, end - 1))
    assert is_working(cal, midnight + timedelta(minutes=minute))
    total = sum(e - s for s, e in pattern)
    assert working_time_between(cal, midnight, midnight + timedelta(days=1)) == timedelta(minutes=total)


@given(calendars, instants)
def test_next_working_instant_is_idempotent_and_skips_no_working_time(cal: WorkCalendar, t: datetime) -> None:
    nxt = next_working_instant(cal, t)
    assert nxt >= t and is_working(cal, nxt)
    assert next_working_instant(cal, nxt) == nxt
    assert working_time_between(cal, t, nxt) == timedelta(0)


@given(calendars, instants, st.integers(1, 15))
def test_n_working_days_end_at_the_close_of_the_nth_working_date_after_the_start_date(
    cal: WorkCalendar, start: datetime, n: int
) -> None:
    zone = ZoneInfo(cal.tz)
    due = add_duration(cal, start, n, "working_days")
    due_date = (due - US).astimezone(zone).date()
    start_date = start.astimezone(zone).date()
    assert due_date > start_date and _working_date(cal, due_date)
    counted = sum(
        _working_date(cal, start_date + timedelta(days=i)) for i in range(1, (due_date - start_date).days + 1)
    )
    assert counted == n
    assert is_working(cal, due - US)
    day_end = datetime.combine(due_date + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    assert working_time_between(cal, due, day_end) == timedelta(0)


@given(
    calendars,
    st.lists(
        st.tuples(st.integers(LO_US // 10**6, HI_US // 10**6), st.integers(-500_000, 2_000_000)),
        min_size=1,
        max_size=40,
    ),
)
def test_batch_agrees_with_scalar(cal: WorkCalendar, cases: list[tuple[int, int]]) -> None:
    starts = np.array([s for s, _ in cases], dtype=np.float64)
    seconds = np.array([d for _, d in cases], dtype=np.float64)
    got = add_working_batch(cal, starts, seconds)
    for (start, amount), value in zip(cases, got, strict=True):
        due = add_duration(cal, _instant(start * 10**6, UTC), Fraction(amount, 60), "working_minutes")
        assert value == due.timestamp()


def _reference_rule() -> businesstimedelta.Rules:
    """businesstimedelta's model of CHINA_5X8 without make-up days (it cannot express them)."""
    tz = pytz.timezone("Asia/Shanghai")
    nine, six, noon, one = (datetime.min.time().replace(hour=h) for h in (9, 18, 12, 13))
    return businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(start_time=nine, end_time=six, working_days=[0, 1, 2, 3, 4], tz=tz),
            businesstimedelta.LunchTimeRule(
                start_time=noon, end_time=one, working_days=[0, 1, 2, 3, 4], tz=tz
            ),
            businesstimedelta.HolidayRule(frozenset(CHINA_5X8.holidays), tz=tz),
        ]
    )


REFERENCE = _reference_rule()
NO_MAKEUP = replace(CHINA_5X8, makeup_days=())


@settings(max_examples=max(150, settings.default.max_examples))
@given(
    st.integers(LO_US // 10**6, (datetime(2026, 6, 30, tzinfo=UTC) - EPOCH) // timedelta(seconds=1)),
    st.integers(1, 3000),
    st.sampled_from(INPUT_ZONES),
)
def test_agrees_with_businesstimedelta_on_a_calendar_without_makeup_days(
    start_s: int, amount_minutes: int, zone: ZoneInfo
) -> None:
    start = _instant(start_s * 10**6, zone)
    ours = add_duration(NO_MAKEUP, start, amount_minutes, "working_minutes")
    theirs = start + businesstimedelta.BusinessTimeDelta(
        REFERENCE, timedelta=timedelta(minutes=amount_minutes)
    )
    assert ours == theirs
    measured = REFERENCE.difference(start, ours).timedelta
    assert working_time_between(NO_MAKEUP, start, ours) == measured == timedelta(minutes=amount_minutes)
