"""The penalty arithmetic (issue 8, "Penalties"): a plan promises "30 CNY for every hour late".

Pure: Decimal CNY, never float; monotone in lateness; never above the caps.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.sla.penalties import HOUR, STARTED_HOUR, PenaltyTerm, allocate_monthly_cap, monthly_cap, penalty

THIRTY = Decimal("30")


def test_penalty_3h01_late_at_30_per_started_hour_capped_200_is_120():
    """Issue 8: "3 h 01 min late at 30 CNY per started hour with a 200 CNY cap is 120.00"."""
    term = PenaltyTerm(rate=THIRTY, basis=STARTED_HOUR, cap_per_ticket=Decimal("200"))
    amount = penalty(term, timedelta(hours=3, minutes=1))
    assert amount == Decimal("120.00")
    assert isinstance(amount, Decimal) and str(amount) == "120.00"


def test_penalty_per_started_hour_reaches_the_ticket_cap():
    term = PenaltyTerm(rate=THIRTY, basis=STARTED_HOUR, cap_per_ticket=Decimal("200"))
    assert penalty(term, timedelta(hours=6, seconds=1)) == Decimal("200.00")  # 7 started hours = 210 → 200


def test_penalty_per_hour_is_pro_rata():
    term = PenaltyTerm(rate=THIRTY, basis=HOUR)
    assert penalty(term, timedelta(minutes=90)) == Decimal("45.00")
    assert penalty(term, timedelta(minutes=1)) == Decimal("0.50")


def test_penalty_on_time_costs_nothing():
    term = PenaltyTerm(rate=THIRTY)
    assert penalty(term, timedelta(0)) == Decimal("0.00")
    assert penalty(term, timedelta(minutes=-5)) == Decimal("0.00")


def test_penalty_terms_refuse_floats():
    with pytest.raises(ValueError):
        PenaltyTerm(rate=30.0)  # type: ignore[arg-type]


def test_penalty_monthly_cap_is_the_smaller_of_amount_and_share_of_fee():
    assert monthly_cap(Decimal("1000"), Decimal("0.1"), Decimal("5000")) == Decimal("500.00")
    assert monthly_cap(None, Decimal("0.1"), Decimal("5000")) == Decimal("500.00")
    assert monthly_cap(Decimal("300"), None, None) == Decimal("300")
    assert monthly_cap(None, Decimal("0.1"), None) is None


def test_penalty_monthly_cap_pays_the_first_breaches_in_full():
    amounts = [Decimal("120.00"), Decimal("200.00"), Decimal("90.00")]
    assert allocate_monthly_cap(amounts, Decimal("250")) == [Decimal("120.00"), Decimal("130.00"), Decimal("0")]
    assert allocate_monthly_cap(amounts, None) == amounts


lateness = st.integers(min_value=0, max_value=30 * 24 * 3600 * 10**6).map(lambda us: timedelta(microseconds=us))
money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
terms = st.builds(PenaltyTerm, rate=money, basis=st.sampled_from([HOUR, STARTED_HOUR]),
                  cap_per_ticket=st.none() | money)


@given(terms, lateness, lateness)
def test_penalty_property_monotone_in_lateness(term, a, b):
    low, high = sorted((a, b))
    assert penalty(term, low) <= penalty(term, high)


@given(terms, lateness)
def test_penalty_property_never_above_the_ticket_cap_and_never_negative(term, late):
    amount = penalty(term, late)
    assert amount >= 0
    if term.cap_per_ticket is not None:
        assert amount <= term.cap_per_ticket
    assert amount == amount.quantize(Decimal("0.01"))


@given(st.lists(money, max_size=20), st.none() | money)
def test_penalty_property_month_never_above_its_cap(amounts, cap):
    paid = allocate_monthly_cap(amounts, cap)
    assert all(0 <= p <= a for p, a in zip(paid, amounts, strict=True))
    if cap is not None:
        assert sum(paid, Decimal(0)) <= cap
    else:
        assert paid == amounts
