"""Units with a defined meaning (issue 8, "Units that real plans use"): minutes, hours, working
hours, working days and half working days — exact instants and properties (units.py)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.sla import evaluate as ev
from shouhou.sla.units import HALF_DAYS, as_working_time, due, half_day_length, working_day_length
from shouhou.sla.worktime import make_calendar, working_time_between

SH = ZoneInfo("Asia/Shanghai")
# A plan's "08:30–17:30" site calendar, Monday to Friday, with one holiday (Friday 2026-05-01).
SITE = make_calendar("Asia/Shanghai", ["08:30-17:30"] * 5 + ["", ""], holidays=[date(2026, 5, 1)], name="site")
OFFICE = make_calendar("Asia/Shanghai", ["09:00-12:00,13:00-18:00"] * 5 + ["", ""], name="office")
ROUND_THE_CLOCK = make_calendar("Asia/Shanghai", ["00:00-24:00"] * 7, name="7x24")


def sh(*args):
    return datetime(*args, tzinfo=SH)


def test_half_working_day_from_a_night_report_is_due_at_13_00_next_working_day():
    """Issue 8: "arrive within half a working day" — a report at 22:00 on an 08:30–17:30 calendar
    is due at 13:00 the next working day, not 12 working hours later."""
    assert due(SITE, sh(2026, 4, 27, 22, 0), 1, HALF_DAYS) == sh(2026, 4, 28, 13, 0)


def test_half_working_day_from_an_afternoon_report_carries_over_into_the_next_morning():
    # 15:00 → 17:30 uses 2 h 30 min; the remaining 2 h run from 08:30 the next working day.
    assert due(SITE, sh(2026, 4, 28, 15, 0), 1, HALF_DAYS) == sh(2026, 4, 29, 10, 30)


def test_half_working_day_skips_weekends_and_holidays():
    # Thursday 2026-04-30 22:00: Friday 1 May is a holiday, the weekend is off → Monday 13:00.
    assert due(SITE, sh(2026, 4, 30, 22, 0), 1, HALF_DAYS) == sh(2026, 5, 4, 13, 0)


def test_working_day_length_is_the_usual_days_working_time_lunch_excluded():
    assert working_day_length(SITE) == timedelta(hours=9)
    assert working_day_length(OFFICE) == timedelta(hours=8)
    assert half_day_length(OFFICE) == timedelta(hours=4)
    # A Saturday morning shift does not make the usual day shorter.
    saturday = make_calendar("Asia/Shanghai", ["08:00-17:00"] * 5 + ["08:00-12:00", ""])
    assert working_day_length(saturday) == timedelta(hours=9)


def test_a_calendar_without_working_days_has_no_half_day():
    with pytest.raises(ValueError):
        working_day_length(make_calendar("UTC", [""] * 7))


def test_each_unit_on_the_same_report_exact_instants():
    """The user guide's table (docs/guide-service-plans.md): one report, Monday 2026-04-27 16:00."""
    start = sh(2026, 4, 27, 16, 0)
    assert due(OFFICE, start, 30, "minutes") == sh(2026, 4, 27, 16, 30)
    assert due(None, start, 4, "hours") == sh(2026, 4, 27, 20, 0)
    assert due(OFFICE, start, 4, "working_hours") == sh(2026, 4, 28, 11, 0)
    assert due(OFFICE, start, 2, "working_days") == sh(2026, 4, 29, 18, 0)
    assert due(OFFICE, start, 1, HALF_DAYS) == sh(2026, 4, 28, 11, 0)
    assert due(OFFICE, start, 3, HALF_DAYS) == sh(2026, 4, 29, 11, 0)


def test_half_day_on_a_round_the_clock_calendar_is_twelve_hours():
    assert due(ROUND_THE_CLOCK, sh(2026, 4, 27, 22, 0), 1, HALF_DAYS) == sh(2026, 4, 28, 10, 0)


def test_working_units_need_a_calendar_and_unknown_units_are_refused():
    with pytest.raises(ValueError):
        due(None, sh(2026, 4, 27, 9), 1, HALF_DAYS)
    with pytest.raises(ValueError):
        due(OFFICE, sh(2026, 4, 27, 9), 1, "fortnights")


def test_the_evaluator_counts_half_days_like_units_due():
    """The clock of a ticket (evaluate.py) and the unit's definition agree, pauses aside."""
    rule = ev.Rule(key="arrive", amount=Decimal("1"), unit=HALF_DAYS, start_event="received",
                   stop_event="arrived", calendar=SITE)
    start = sh(2026, 4, 27, 22, 0)
    result = ev.evaluate_rule(rule, frozenset(), [ev.Event(start, frozenset({"received"}), "new")], start)
    assert result.due_at == sh(2026, 4, 28, 13, 0)
    assert result.budget == timedelta(hours=4, minutes=30)


instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30), timezones=st.just(SH))
calendars = st.sampled_from([SITE, OFFICE, ROUND_THE_CLOCK])
amounts = st.integers(min_value=1, max_value=20)


@given(cal=calendars, start=instants, n=amounts)
def test_property_n_half_days_use_exactly_n_half_day_lengths_of_working_time(cal, start, n):
    end = due(cal, start, n, HALF_DAYS)
    assert working_time_between(cal, start, end) == n * half_day_length(cal)


@given(cal=calendars, start=instants, n=amounts)
def test_property_two_half_days_are_one_working_day_length_of_working_hours(cal, start, n):
    hours = Decimal(working_day_length(cal) // timedelta(minutes=1)) / 60
    assert due(cal, start, 2 * n, HALF_DAYS) == due(cal, start, n * hours, "working_hours")


@given(cal=calendars, start=instants, n=amounts)
def test_property_more_half_days_are_never_due_earlier(cal, start, n):
    assert due(cal, start, n, HALF_DAYS) <= due(cal, start, n + 1, HALF_DAYS)
    assert as_working_time(cal, n) == n * half_day_length(cal)


@pytest.mark.django_db
def test_the_bulk_calendar_recompute_counts_half_days_like_a_ticket_sync(world, monkeypatch):
    """A calendar edit recomputes open half-day clocks in bulk (services/recompute.py) to exactly
    what sync_clocks stores: 22:00 report, 08:00–17:00 calendar → due 12:30 the next working day."""
    from django.utils import timezone

    from shouhou.sla.models import Clock, ServicePlan, Target, WorkingCalendar
    from shouhou.sla.services.clocks import sync_clocks
    from shouhou.sla.services.reference import update_calendar
    from shouhou.tickets import services as tickets

    monkeypatch.setattr(timezone, "now", lambda: sh(2026, 4, 27, 22, 0))
    site = WorkingCalendar.objects.create(code="site", name="现场", week=["08:30-17:30"] * 5 + ["", ""])
    plan = ServicePlan.objects.create(name="半日到场", is_default=True, calendar=site)
    Target.objects.create(plan=plan, kind="arrival", name="半个工作日内到场", amount=Decimal(1), unit=HALF_DAYS,
                          start_event="received", stop_event="arrived")
    ticket = tickets.open_ticket(world.desk, title="电梯停运", severity=1)
    assert Clock.objects.get(ticket=ticket).due_at == sh(2026, 4, 28, 13, 0)
    update_calendar(world.admin, site, {"week": ["08:00-17:00"] * 5 + ["", ""]}, version=site.version)
    bulk = Clock.objects.get(ticket=ticket)
    assert bulk.due_at == sh(2026, 4, 28, 12, 30)
    synced = sync_clocks(ticket)[0]
    assert (synced.due_at, synced.budget_seconds) == (bulk.due_at, bulk.budget_seconds)
