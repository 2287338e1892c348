"""Amounts in capital numerals (大写) for printed money documents (issue 11: "the amount in capital
numerals on printed documents"), checked against the payment-settlement examples and by reading
every generated amount back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.charging.numerals import capital_amount

DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def read_back(words: str) -> Decimal:
    """Capital numerals to an amount (a reader independent of the writer)."""
    sign = -1 if words.startswith("负") else 1
    words = words.removeprefix("负").removesuffix("整")
    yuan_part, _sep, rest = words.partition("元") if "元" in words else ("", "", words)
    total = 0
    for big, size in (("亿", 10**8), ("万", 10**4)):
        if big in yuan_part:
            head, yuan_part = yuan_part.split(big, 1)
            total += _group(head) * size
    total += _group(yuan_part)
    fen = 0
    for unit, size in (("角", 10), ("分", 1)):
        if unit in rest:
            head, rest = rest.split(unit, 1)
            fen += DIGIT[head.lstrip("零")] * size
    return sign * (Decimal(total) + Decimal(fen) / 100)


def _group(text: str) -> int:
    value, digit = 0, 0
    for char in text:
        if char in DIGIT:
            digit = DIGIT[char]
        elif char in SMALL:
            value += digit * SMALL[char]
            digit = 0
        elif char == "万":  # 万亿
            value = (value + digit) * 10**4
            digit = 0
    return value + digit


@pytest.mark.parametrize("amount, words", [
    ("120", "壹佰贰拾元整"),
    ("1409.50", "壹仟肆佰零玖元伍角整"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("100010", "壹拾万零壹拾元整"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("0", "零元整"),
    ("10", "壹拾元整"),
    ("100000001", "壹亿零壹元整"),
    ("-25.30", "负贰拾伍元叁角整"),
])
def test_examples_of_the_payment_settlement_rules(amount, words):
    assert capital_amount(Decimal(amount)) == words


def test_a_float_is_refused():
    with pytest.raises(TypeError):
        capital_amount(120.0)


@given(st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2))
def test_every_amount_reads_back_as_itself(amount):
    words = capital_amount(amount)
    assert read_back(words) == amount
    assert "零零" not in words and not words.endswith("零") and "拾" not in words[:1]
    assert words.endswith("分") != words.endswith("整")
