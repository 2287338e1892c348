"""Pricing by a charging rule (charging.pricing): Decimal money, tax-inclusive prices, VAT per line
by its kind, each line rounded to 0.01 half up, totals the sum of the lines (issue 11, P2.3, P6.7,
P11.2, P13.5)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.charging import pricing
from shouhou.charging.pricing import LABOUR, PARTS, TRAVEL, LineInput, Rule, price, time_classes_of

RATES = {"goods": Decimal("0.13"), "repair": Decimal("0.13"), "installation": Decimal("0.09"),
         "it_service": Decimal("0.06"), "small_scale": Decimal("0.03")}
D = Decimal


def closer(list_price="150.00", quantity="1", **extra):
    return LineInput(kind=PARTS, quantity=D(quantity), description="液压闭门器", code="BM-60",
                     list_price=D(list_price), cost_price=D("95.00"), **extra)


def test_parts_at_80_percent_of_list_price():
    """A plan promises parts at 80 % of the list price: ¥150.00 → ¥120.00, VAT 13 % inside it."""
    rule = Rule(parts_basis=pricing.LIST_PERCENT, parts_percent=D(80))
    line = price([closer()], rule, frozenset(), RATES).lines[0]
    assert (line.unit_price, line.amount, line.basis, line.percent) == (D("120.00"), D("120.00"), "list_percent", 80)
    assert line.tax == D("13.81") and line.net == D("106.19")  # 120 × 0.13 / 1.13 = 13.805… → 13.81


def test_parts_at_list_price_and_at_cost():
    assert price([closer(quantity="2")], Rule(parts_basis=pricing.LIST), frozenset(), RATES).total == D("300.00")
    assert price([closer(quantity="2")], Rule(parts_basis=pricing.COST), frozenset(), RATES).total == D("190.00")


def test_labour_at_cost_rate_p2_3_and_no_labour_out_of_warranty():
    hours = LineInput(kind=LABOUR, quantity=D("1.5"))
    assert price([hours], Rule(labour_basis=pricing.RATE, labour_rate=D(10)), frozenset(), RATES).total == D("15.00")
    free = price([hours], Rule(labour_basis=pricing.FREE), frozenset(), RATES).lines[0]
    assert (free.amount, free.basis) == (D("0.00"), "free")


def test_travel_at_actual_cost_without_markup_p6_7():
    trip = LineInput(kind=TRAVEL, quantity=D(1), entered_price=D("86.40"))
    line = price([trip], Rule(travel_basis=pricing.ACTUAL), frozenset(), RATES).lines[0]
    assert (line.amount, line.basis, line.vat_kind) == (D("86.40"), "actual", "repair")


def test_a_covered_kind_is_free_whatever_the_rule_charges():
    rule = Rule(parts_basis=pricing.LIST, labour_basis=pricing.RATE, labour_rate=D(80))
    priced = price([closer(), LineInput(kind=LABOUR, quantity=D(2))], rule, frozenset({PARTS, LABOUR}), RATES)
    assert [(line.basis, line.amount) for line in priced.lines] == [("covered", D("0.00")), ("covered", D("0.00"))]
    assert priced.total == D("0.00")


def test_vat_follows_the_kind_of_line():
    """13 % goods, 9 % installation, 6 % IT services: the rates are data handed to the pricer."""
    rule = Rule(labour_basis=pricing.RATE, labour_rate=D("106.00"), labour_vat_kind="it_service")
    assert price([LineInput(kind=LABOUR, quantity=D(1))], rule, frozenset(), RATES).lines[0].tax == D("6.00")
    rule = Rule(labour_basis=pricing.RATE, labour_rate=D("109.00"), labour_vat_kind="installation")
    assert price([LineInput(kind=LABOUR, quantity=D(1))], rule, frozenset(), RATES).lines[0].tax == D("9.00")


def test_a_part_without_a_list_price_cannot_be_priced():
    with pytest.raises(pricing.MissingPrice):
        price([LineInput(kind=PARTS, quantity=D(1), code="X")], Rule(parts_basis=pricing.LIST), frozenset(), RATES)


def test_night_surcharge_is_a_line_of_its_own_on_the_charged_labour():
    rule = Rule(labour_basis=pricing.RATE, labour_rate=D(80), surcharges={pricing.NIGHT: D(50), pricing.HOLIDAY: D(100)})
    priced = price([closer(), LineInput(kind=LABOUR, quantity=D(2))], rule, frozenset(), RATES, [pricing.NIGHT])
    extra = priced.lines[-1]
    assert (extra.kind, extra.amount, extra.percent, extra.time_class) == ("surcharge", D("80.00"), 50, "night")
    assert priced.total == D("150.00") + D("160.00") + D("80.00")


def test_only_the_highest_surcharge_applies():
    rule = Rule(labour_rate=D(80), surcharges={pricing.NIGHT: D(50), pricing.HOLIDAY: D(100)})
    priced = price([LineInput(kind=LABOUR, quantity=D(1))], rule, frozenset(), RATES, [pricing.NIGHT, pricing.HOLIDAY])
    assert priced.lines[-1].time_class == "holiday" and priced.lines[-1].amount == D("80.00")


def test_no_surcharge_when_the_labour_is_covered():
    rule = Rule(labour_rate=D(80), surcharges={pricing.NIGHT: D(50)})
    priced = price([LineInput(kind=LABOUR, quantity=D(1))], rule, frozenset({LABOUR}), RATES, [pricing.NIGHT])
    assert len(priced.lines) == 1


@pytest.mark.parametrize("minute, holiday, working, expected", [
    (22 * 60 + 30, False, True, ("night",)),  # a make-up Saturday at 22:30: night work, not rest-day work
    (10 * 60, False, True, ()),
    (10 * 60, False, False, ("rest_day",)),  # an ordinary Saturday
    (23 * 60, True, False, ("night", "holiday")),  # 除夕 at night
    (5 * 60 + 59, False, True, ("night",)),
    (6 * 60, False, True, ()),
    (21 * 60 + 59, False, True, ()),
])
def test_time_classes_of_the_work(minute, holiday, working, expected):
    assert time_classes_of(minute, holiday=holiday, working_day=working, night=(22 * 60, 6 * 60)) == expected


money = st.decimals(min_value=D("0.00"), max_value=D("99999.99"), places=2)
quantities = st.decimals(min_value=D("0.01"), max_value=D("999.99"), places=2)
kinds = st.sampled_from(list(RATES))


@st.composite
def lines(draw):
    kind = draw(st.sampled_from([PARTS, LABOUR, TRAVEL]))
    return LineInput(kind=kind, quantity=draw(quantities), vat_kind=draw(kinds), list_price=draw(money),
                     cost_price=draw(money), entered_price=draw(money))


rules = st.builds(
    Rule, parts_basis=st.sampled_from(pricing.PARTS_BASES), parts_percent=st.decimals(0, 200, places=2),
    labour_basis=st.sampled_from(pricing.LABOUR_BASES), labour_rate=money, labour_vat_kind=kinds,
    travel_basis=st.sampled_from(pricing.TRAVEL_BASES), travel_rate=money, travel_vat_kind=kinds,
    surcharges=st.dictionaries(st.sampled_from(pricing.TIME_CLASSES), st.decimals(0, 300, places=2)))


@given(st.lists(lines(), max_size=8), rules, st.frozensets(st.sampled_from([PARTS, LABOUR, TRAVEL])),
       st.lists(st.sampled_from(pricing.TIME_CLASSES), max_size=3, unique=True))
def test_every_line_is_rounded_and_the_totals_are_the_sums_of_the_lines(recorded, rule, covered, when):
    priced = price(recorded, rule, covered, RATES, when)
    for line in priced.lines:
        assert line.amount == line.amount.quantize(D("0.01")) and line.tax == line.tax.quantize(D("0.01"))
        assert line.amount == (line.unit_price * line.quantity).quantize(D("0.01"), ROUND_HALF_UP) or line.kind == "surcharge"
        assert line.tax == (line.amount * line.vat_rate / (1 + line.vat_rate)).quantize(D("0.01"), ROUND_HALF_UP)
        assert 0 <= line.tax <= line.amount and line.net + line.tax == line.amount
        assert line.vat_rate == RATES[line.vat_kind]
        if line.kind in covered:
            assert line.amount == 0 and line.basis == "covered"
    assert priced.total == sum((line.amount for line in priced.lines), D(0))
    assert priced.tax_total == sum((line.tax for line in priced.lines), D(0))
    assert len([line for line in priced.lines if line.kind == "surcharge"]) <= 1


@given(money, st.decimals(0, 100, places=2))
def test_a_percentage_of_list_is_never_above_the_list_price(list_price, percent):
    line = price([closer(list_price=str(list_price))], Rule(parts_basis=pricing.LIST_PERCENT, parts_percent=percent),
                 frozenset(), RATES).lines[0]
    assert line.unit_price <= list_price
