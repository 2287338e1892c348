"""Property-based tests of the pure duty-coverage arithmetic (dispatch.roster.coverage; P2.2, P14.11).

Whatever the shifts, the gaps are exactly the instants of the window no shift covers: sorted,
disjoint, never touching, inside the window, and gaps + covered time = the window.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.dispatch.roster import coverage as cov

BASE = datetime(2026, 12, 7, tzinfo=UTC)  # a Monday
SH = ZoneInfo("Asia/Shanghai")

minutes = st.integers(min_value=0, max_value=14 * 24 * 60)


@st.composite
def intervals(draw):
    a = draw(minutes)
    length = draw(st.integers(min_value=0, max_value=48 * 60))
    return BASE + timedelta(minutes=a), BASE + timedelta(minutes=a + length)


@st.composite
def spans(draw):
    a, b = sorted(draw(st.lists(minutes, min_size=2, max_size=2)))
    return BASE + timedelta(minutes=a), BASE + timedelta(minutes=b + 1)


def covered(at, shifts) -> bool:
    return any(a <= at < b for a, b in shifts)


def total(parts) -> timedelta:
    return sum((b - a for a, b in parts), timedelta())


@settings(max_examples=300, deadline=None)
@given(span=spans(), shifts=st.lists(intervals(), max_size=12))
def test_gaps_are_sorted_disjoint_not_touching_and_inside_the_window(span, shifts):
    gaps = cov.subtract(span, shifts)
    for a, b in gaps:
        assert span[0] <= a < b <= span[1]
    for (_a1, b1), (a2, _b2) in zip(gaps, gaps[1:], strict=False):
        assert b1 < a2  # never touching: a touching pair would be one gap


@settings(max_examples=300, deadline=None)
@given(span=spans(), shifts=st.lists(intervals(), max_size=12))
def test_no_instant_of_a_gap_is_covered_and_every_uncovered_minute_is_in_a_gap(span, shifts):
    gaps = cov.subtract(span, shifts)
    for a, b in gaps:
        for at in (a, a + (b - a) / 2, b - timedelta(microseconds=1)):
            assert not covered(at, shifts)
    at = span[0]
    while at < span[1]:
        assert covered(at, shifts) or covered(at, gaps)
        at += timedelta(minutes=97)


@settings(max_examples=300, deadline=None)
@given(span=spans(), shifts=st.lists(intervals(), max_size=12))
def test_gaps_and_covered_time_add_up_to_the_window(span, shifts):
    inside = cov.merge((max(a, span[0]), min(b, span[1])) for a, b in shifts)
    assert total(cov.subtract(span, shifts)) + total(inside) == span[1] - span[0]


@settings(max_examples=200, deadline=None)
@given(shifts=st.lists(intervals(), max_size=12))
def test_merge_is_idempotent_and_keeps_exactly_the_covered_instants(shifts):
    merged = cov.merge(shifts)
    assert cov.merge(merged) == merged
    for a, b in merged:
        assert covered(a, shifts) and covered(b - timedelta(microseconds=1), shifts)
    for (_a1, b1), (a2, _b2) in zip(merged, merged[1:], strict=False):
        assert b1 < a2


@settings(max_examples=100, deadline=None)
@given(span=spans(), shifts=st.lists(intervals(), max_size=8), extra=intervals())
def test_adding_a_shift_never_adds_a_gap(span, shifts, extra):
    assert total(cov.subtract(span, [*shifts, extra])) <= total(cov.subtract(span, shifts))


@settings(max_examples=100, deadline=None)
@given(zone=st.sampled_from(["city", "province", None]), shift_zone=st.sampled_from(["city", "province", None]),
       span=spans(), shift=intervals())
def test_a_shift_tied_to_another_zone_covers_nothing_of_a_need(zone, shift_zone, span, shift):
    gaps = cov.coverage_gaps([cov.Need(zone)], [cov.Shift(*shift, zone=shift_zone)], *span)
    expected = cov.subtract(span, [shift] if shift_zone in (None, zone) else [])
    assert [(g.start, g.end) for g in gaps] == expected


def test_mon_to_sun_24h_in_three_shifts_leaves_no_gap_p14_11():
    """P14.11 "24 h duty": three weekly patterns of eight hours cover every minute of four weeks."""
    first, last = date(2026, 12, 7), date(2027, 1, 3)
    shifts = [cov.Shift(a, b) for start, end in ((time(0), time(8)), (time(8), time(16)), (time(16), time(0)))
              for a, b in cov.weekly_occurrences(range(7), start, end, first, last, SH)]
    window = (datetime(2026, 12, 7, tzinfo=SH), datetime(2027, 1, 4, tzinfo=SH))
    assert cov.coverage_gaps([cov.Need()], shifts, *window) == []


def test_a_night_pattern_runs_into_the_next_morning_and_a_missing_night_is_the_gap_p2_2():
    """P2.2 "serve 24 h a day": day duty 08–20 daily, nights 20–08 except Friday → the gap is Fri 20:00–Sat 08:00."""
    first, last = date(2026, 12, 7), date(2026, 12, 13)
    days = cov.weekly_occurrences(range(7), time(8), time(20), first, last, SH)
    nights = cov.weekly_occurrences([0, 1, 2, 3, 5, 6], time(20), time(8), first, last, SH)
    assert nights[0] == (datetime(2026, 12, 7, 20, tzinfo=SH), datetime(2026, 12, 8, 8, tzinfo=SH))
    gaps = cov.coverage_gaps([cov.Need("city")], [cov.Shift(a, b) for a, b in days + nights],
                             datetime(2026, 12, 7, 8, tzinfo=SH), datetime(2026, 12, 14, 8, tzinfo=SH))
    assert [(g.need.zone, g.start, g.end) for g in gaps] == [
        ("city", datetime(2026, 12, 11, 20, tzinfo=SH), datetime(2026, 12, 12, 8, tzinfo=SH))]


def test_who_is_on_duty_at_an_instant_counts_the_start_not_the_end():
    shift = cov.Shift(datetime(2026, 12, 7, 8, tzinfo=SH), datetime(2026, 12, 7, 20, tzinfo=SH))
    assert cov.on_duty([shift], datetime(2026, 12, 7, 8, tzinfo=SH)) == [shift]
    assert cov.on_duty([shift], datetime(2026, 12, 7, 20, tzinfo=SH)) == []
