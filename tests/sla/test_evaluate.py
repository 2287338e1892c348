"""The pure evaluation of a plan against a ticket's event log (issue 3, shouhou/sla/evaluate.py).

No database: plain values in, plain values out.  Hypothesis checks the properties that make
clocks trustworthy in a dispute — recomputable, pause-exact, monotonic.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.sla.evaluate import Event, Facts, Plan, Rule, applies, evaluate, evaluate_rule, instant_at_share
from shouhou.sla.holidays import mainland_china_calendar

SH = ZoneInfo("Asia/Shanghai")
CN = mainland_china_calendar("5x8")
PAUSE = frozenset({"pending_customer"})


def sh(*args):
    return datetime(*args, tzinfo=SH)


def ev(at, *names, status=None):
    return Event(at=at, names=frozenset(names), status=status)


def rule(amount, unit, start="received", stop="resolved", **kw):
    return Rule(key=kw.pop("key", "r"), amount=amount, unit=unit, start_event=start, stop_event=stop,
                calendar=kw.pop("calendar", CN), **kw)


def test_wall_clock_target_due_from_received_and_met_when_stopped_in_time():
    log = [ev(sh(2026, 3, 2, 10), "received", status="new"), ev(sh(2026, 3, 2, 13), "resolved", status="resolved")]
    clock = evaluate_rule(rule(4, "hours"), PAUSE, log, now=sh(2026, 3, 2, 15))
    assert clock.due_at == sh(2026, 3, 2, 14)
    assert clock.state == "met"
    assert clock.margin == timedelta(hours=1)
    assert clock.used == timedelta(hours=3)


def test_open_clock_past_due_is_breached_by_the_wall_time_since_due():
    log = [ev(sh(2026, 3, 2, 10), "received", status="new")]
    clock = evaluate_rule(rule(30, "minutes", stop="contacted"), PAUSE, log, now=sh(2026, 3, 2, 11))
    assert clock.state == "breached"
    assert clock.margin == -timedelta(minutes=30)
    assert clock.stopped_at is None


def test_pending_customer_pauses_the_clock_and_pushes_the_due_time_out():
    log = [
        ev(sh(2026, 3, 2, 10), "received", status="new"),
        ev(sh(2026, 3, 2, 11), status="pending_customer"),
        ev(sh(2026, 3, 2, 14), status="accepted"),
    ]
    clock = evaluate_rule(rule(4, "hours"), PAUSE, log, now=sh(2026, 3, 2, 15))
    assert clock.due_at == sh(2026, 3, 2, 17)  # 4 h + 3 h paused
    assert clock.paused == timedelta(hours=3)
    assert clock.used == timedelta(hours=2)
    assert clock.state == "running"
    assert clock.pauses == ((sh(2026, 3, 2, 11), sh(2026, 3, 2, 14)),)


def test_a_paused_clock_has_no_due_time_and_cannot_breach():
    log = [ev(sh(2026, 3, 2, 10), "received", status="new"), ev(sh(2026, 3, 2, 11), status="pending_customer")]
    clock = evaluate_rule(rule(2, "hours"), PAUSE, log, now=sh(2026, 3, 5, 9))
    assert clock.state == "paused"
    assert clock.due_at is None


def test_working_hours_skip_nights_weekends_and_lunch():
    # Friday 17:00 + 2 working hours → Monday 10:00 (Friday 17–18, Monday 09–10)
    log = [ev(sh(2026, 3, 6, 17), "received", status="new")]
    clock = evaluate_rule(rule(2, "working_hours"), PAUSE, log, now=sh(2026, 3, 6, 17, 30))
    assert clock.due_at == sh(2026, 3, 9, 10)
    assert clock.used == timedelta(minutes=30)


def test_resolution_also_stops_a_clock_that_waits_for_an_earlier_event():
    """A fault fixed by phone needs no visit: the arrival clock stops at resolution."""
    log = [ev(sh(2026, 3, 2, 10), "received", status="new"), ev(sh(2026, 3, 2, 10, 40), "resolved", status="resolved")]
    clock = evaluate_rule(rule(2, "hours", stop="arrived"), PAUSE, log, now=sh(2026, 3, 2, 12))
    assert clock.state == "met"
    assert clock.stopped_at == sh(2026, 3, 2, 10, 40)


def test_reopened_ticket_restarts_the_resolution_clock_and_the_gap_counts_as_paused():
    log = [
        ev(sh(2026, 3, 2, 10), "received", status="new"),
        ev(sh(2026, 3, 2, 11), "resolved", status="resolved"),
        ev(sh(2026, 3, 2, 15), "reopened", status="reopened"),
    ]
    clock = evaluate_rule(rule(4, "hours"), PAUSE, log, now=sh(2026, 3, 2, 16))
    assert clock.state == "running"
    assert clock.due_at == sh(2026, 3, 2, 18)  # 1 h used before, 3 h left from 15:00
    assert clock.paused == timedelta(hours=4)


def test_cancelled_ticket_cancels_running_clocks():
    log = [ev(sh(2026, 3, 2, 10), "received", status="new"), ev(sh(2026, 3, 2, 10, 5), "cancelled", status="cancelled")]
    assert evaluate_rule(rule(4, "hours"), PAUSE, log, now=sh(2026, 3, 3)).state == "cancelled"


def test_clock_does_not_exist_before_its_start_event():
    log = [ev(sh(2026, 3, 2, 10), "received", status="new")]
    assert evaluate_rule(rule(2, "hours", start="arrived"), PAUSE, log, now=sh(2026, 3, 2, 11)) is None


def test_scope_matches_severity_level_zone_and_warranty():
    """P5.2 levels, P5.1 severities, zones as data, P8.4/P8.5 warranty; unknown warranty counts as in."""
    r = rule(1, "hours", severities=frozenset({1}), levels=frozenset({"A", "B"}), zones=frozenset({"city"}),
             warranty="in")
    assert applies(r, Facts(severity=1, service_level="A", zone="city", in_warranty=True))
    assert applies(r, Facts(severity=1, service_level="B", zone="city", in_warranty=None))
    assert not applies(r, Facts(severity=2, service_level="A", zone="city", in_warranty=True))
    assert not applies(r, Facts(severity=1, service_level="C", zone="city", in_warranty=True))
    assert not applies(r, Facts(severity=1, service_level="A", zone="province", in_warranty=True))
    assert not applies(r, Facts(severity=1, service_level="A", zone="city", in_warranty=False))


def test_explanation_lists_start_pause_resume_stop_with_working_and_wall_time():
    log = [
        ev(sh(2026, 3, 6, 17), "received", status="new"),
        ev(sh(2026, 3, 6, 17, 30), status="pending_customer"),
        ev(sh(2026, 3, 9, 9), status="accepted"),
        ev(sh(2026, 3, 9, 10), "resolved", status="resolved"),
    ]
    clock = evaluate_rule(rule(4, "working_hours"), PAUSE, log, now=sh(2026, 3, 9, 12), explain=True)
    assert [s.what for s in clock.steps] == ["start", "pause", "resume", "stop"]
    stop = clock.steps[-1]
    assert stop.used == timedelta(hours=1, minutes=30)  # 30 min Friday + 1 h Monday
    assert stop.wall == timedelta(days=2, hours=17)
    assert clock.state == "met"


def test_evaluate_keys_clocks_by_rule_and_skips_rules_out_of_scope():
    plan = Plan(rules=(rule(1, "hours", key="a", severities=frozenset({1})), rule(4, "hours", key="b")),
                pause_statuses=PAUSE)
    log = [ev(sh(2026, 3, 2, 10), "received", status="new")]
    assert set(evaluate(plan, Facts(severity=2), log, sh(2026, 3, 2, 10))) == {"b"}
    assert set(evaluate(plan, Facts(severity=1), log, sh(2026, 3, 2, 10))) == {"a", "b"}


def test_share_instant_is_pushed_out_by_pauses_like_the_due_time():
    log = [ev(sh(2026, 3, 2, 10), "received", status="new"), ev(sh(2026, 3, 2, 11), status="pending_customer"),
           ev(sh(2026, 3, 2, 12), status="accepted")]
    r = rule(4, "hours")
    clock = evaluate_rule(r, PAUSE, log, now=sh(2026, 3, 2, 12))
    assert instant_at_share(r, clock, 0.75) == sh(2026, 3, 2, 14)


# ------------------------------------------------------------------ properties

_base = sh(2026, 9, 1, 0)
instants = st.integers(min_value=0, max_value=60 * 24 * 90).map(lambda m: _base + timedelta(minutes=m))
units = st.sampled_from(["minutes", "hours", "working_minutes", "working_hours", "working_days"])


@st.composite
def logs(draw):
    """A received event, then alternating pause/resume statuses, maybe a resolution."""
    start = draw(instants)
    gaps = draw(st.lists(st.integers(min_value=1, max_value=60 * 30), max_size=6))
    events, at, paused = [ev(start, "received", status="new")], start, False
    for gap in gaps:
        at = at + timedelta(minutes=gap)
        paused = not paused
        events.append(ev(at, status="pending_customer" if paused else "accepted"))
    if draw(st.booleans()):
        at = at + timedelta(minutes=draw(st.integers(min_value=1, max_value=60 * 40)))
        events.append(ev(at, "resolved", status="resolved"))
    return events


@settings(max_examples=150, deadline=None)
@given(log=logs(), amount=st.integers(min_value=1, max_value=40), unit=units,
       extra=st.integers(min_value=0, max_value=60 * 24 * 10))
def test_property_recomputing_from_the_log_is_deterministic_and_order_independent(log, amount, unit, extra):
    now = log[-1].at + timedelta(minutes=extra)
    r = rule(amount, unit)
    first = evaluate(Plan((r,), PAUSE), Facts(severity=1), log, now)
    again = evaluate(Plan((r,), PAUSE), Facts(severity=1), list(reversed(log)), now)
    assert first == again


@settings(max_examples=150, deadline=None)
@given(log=logs(), amount=st.integers(min_value=1, max_value=40), unit=units)
def test_property_used_plus_left_equals_budget_while_running(log, amount, unit):
    """At any instant before due, the clock time used plus the time left to due is the budget."""
    r = rule(amount, unit)
    now = log[-1].at
    clock = evaluate_rule(r, PAUSE, log, now)
    if clock.state == "running" and clock.due_at is not None:
        from shouhou.sla.evaluate import _Meter

        left = _Meter(r).between(now, clock.due_at)
        assert abs((clock.used + left) - clock.budget) <= timedelta(microseconds=2)


@settings(max_examples=150, deadline=None)
@given(start=instants, amount=st.integers(min_value=1, max_value=40), unit=units,
       offset=st.integers(min_value=0, max_value=60 * 48), pause=st.integers(min_value=1, max_value=60 * 72))
def test_property_a_pause_never_brings_the_due_time_earlier_and_paused_time_is_exact(start, amount, unit,
                                                                                   offset, pause):
    """Adding a pending-customer window never makes a clock due sooner; its wall length is the pause."""
    r = rule(amount, unit)
    plain_log = [ev(start, "received", status="new")]
    begin = start + timedelta(minutes=offset)
    paused_log = plain_log + [ev(begin, status="pending_customer"), ev(begin + timedelta(minutes=pause),
                                                                       status="accepted")]
    now = begin + timedelta(minutes=pause)
    plain = evaluate_rule(r, PAUSE, plain_log, now)
    paused = evaluate_rule(r, PAUSE, paused_log, now)
    assert paused.due_at >= plain.due_at
    if plain.due_at > begin:  # paused before it fell due: the pause is all there
        assert paused.paused == timedelta(minutes=pause)


@settings(max_examples=100, deadline=None)
@given(start=instants, amount=st.integers(min_value=1, max_value=30))
def test_property_working_days_without_pauses_end_at_the_end_of_the_nth_working_day(start, amount):
    from shouhou.sla.worktime import add_duration

    r = rule(amount, "working_days", stop="report_submitted")
    clock = evaluate_rule(r, PAUSE, [ev(start, "received", status="new")], start)
    assert clock.due_at == add_duration(CN, start, amount, "working_days")
