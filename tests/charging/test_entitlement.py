"""Entitlement decided from the unit's warranty and the contract (charging.entitlement): boundary
dates — the day of and the day after acceptance (P8.3 vs P13.1/P14.1), the last day of warranty,
a leap day — the latent-defect period (P14.5) and the maintenance period (P11.1)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from shouhou.assets.warranty import FROM_ACCEPTANCE, FROM_DAY_AFTER_ACCEPTANCE
from shouhou.charging import entitlement as ent
from shouhou.charging.entitlement import Terms, decide

ACCEPTED = date(2025, 5, 3)


def test_p14_1_two_years_from_the_acceptance_certificate():
    terms = Terms(acceptance=ACCEPTED, warranty_months=24)
    assert decide(terms, ACCEPTED).status == ent.WARRANTY
    last = decide(terms, date(2027, 5, 2))
    assert (last.status, last.period_end, last.covered) == (ent.WARRANTY, date(2027, 5, 2), {"labour", "parts", "travel"})
    assert decide(terms, date(2027, 5, 3)).status == ent.UNCOVERED


def test_p8_3_warranty_counts_from_the_day_after_acceptance():
    terms = Terms(acceptance=ACCEPTED, warranty_months=12, start_rule=FROM_DAY_AFTER_ACCEPTANCE)
    on_the_day = decide(terms, ACCEPTED)
    assert on_the_day.status == ent.UNCOVERED and on_the_day.warranty_start == date(2025, 5, 4)
    assert decide(terms, date(2025, 5, 4)).status == ent.WARRANTY
    assert decide(terms, date(2026, 5, 3)).status == ent.WARRANTY  # the last day
    assert decide(terms, date(2026, 5, 4)).status == ent.UNCOVERED


def test_a_warranty_from_a_leap_day_ends_on_the_last_day_of_february():
    terms = Terms(acceptance=date(2024, 2, 29), warranty_months=12)
    assert decide(terms, date(2025, 2, 27)).status == ent.WARRANTY
    assert decide(terms, date(2025, 2, 27)).period_end == date(2025, 2, 27)
    assert decide(terms, date(2025, 2, 28)).status == ent.UNCOVERED
    leap = Terms(acceptance=date(2024, 2, 29), warranty_months=48)
    assert decide(leap, date(2028, 2, 28)).status == ent.WARRANTY
    assert decide(leap, date(2028, 2, 29)).status == ent.UNCOVERED


def test_p14_5_latent_defect_period_of_24_months_after_warranty():
    terms = Terms(acceptance=ACCEPTED, warranty_months=24, latent_defect_months=24)
    first = decide(terms, date(2027, 5, 3))
    assert (first.status, first.period_start, first.period_end) == (ent.LATENT_DEFECT, date(2027, 5, 3), date(2029, 5, 2))
    assert decide(terms, date(2029, 5, 2)).status == ent.LATENT_DEFECT
    assert decide(terms, date(2029, 5, 3)).status == ent.UNCOVERED


def test_p11_1_lifelong_maintenance_with_free_spare_parts():
    coverage = ent.coverage_from({"maintenance": ["parts"]})
    terms = Terms(acceptance=ACCEPTED, warranty_months=12, maintenance=True, maintenance_from=date(2025, 1, 1),
                  contract="HT-1", coverage=coverage)
    later = decide(terms, date(2031, 1, 1))
    assert (later.status, later.covered, later.period_end) == (ent.MAINTENANCE, frozenset({"parts"}), None)
    assert decide(terms, date(2025, 6, 1)).status == ent.WARRANTY


def test_maintenance_ends_with_the_contract():
    terms = Terms(acceptance=ACCEPTED, warranty_months=12, maintenance=True, maintenance_from=date(2025, 1, 1),
                  maintenance_until=date(2027, 12, 31))
    assert decide(terms, date(2027, 12, 31)).status == ent.MAINTENANCE
    assert decide(terms, date(2028, 1, 1)).status == ent.UNCOVERED


def test_no_acceptance_no_warranty():
    assert decide(Terms(acceptance=None, warranty_months=24), ACCEPTED).status == ent.UNCOVERED


def test_uncovered_covers_nothing_even_if_stored_otherwise():
    assert ent.coverage_from({"uncovered": ["parts"]})[ent.UNCOVERED] == frozenset()


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@given(days, st.integers(1, 120), st.sampled_from([FROM_ACCEPTANCE, FROM_DAY_AFTER_ACCEPTANCE]),
       st.integers(0, 60), st.integers(-400, 8000))
def test_the_periods_follow_one_another_without_gap_or_overlap(acceptance, months, rule, latent, offset):
    terms = Terms(acceptance=acceptance, warranty_months=months, start_rule=rule, latent_defect_months=latent)
    day = acceptance + timedelta(days=offset)
    decision = decide(terms, day)
    start, end = decision.warranty_start, decision.warranty_end
    assert start == acceptance + timedelta(days=1 if rule == FROM_DAY_AFTER_ACCEPTANCE else 0)
    assert (decision.status == ent.WARRANTY) == (start <= day <= end)
    if decision.status == ent.LATENT_DEFECT:
        assert decision.period_start == end + timedelta(days=1) and day <= decision.period_end
    if decision.status == ent.UNCOVERED and day > end and latent:
        assert day > decide(terms, end + timedelta(days=1)).period_end
    # the day after the warranty's last day is never still in warranty
    assert decide(terms, end + timedelta(days=1)).status != ent.WARRANTY
