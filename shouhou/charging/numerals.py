"""Amounts in Chinese capital numerals (大写金额) for printed money documents (pure; no Django).

The rules of the People's Bank payment and settlement measures (《支付结算办法》): digits
壹贰叁肆伍陆柒捌玖, units 拾佰仟 within a group of four, 万 and 亿 between groups; a run of zeros
inside the number is one 零; an amount that ends at 元 or 角 ends in 整, one that ends at 分 does
not; 壹拾 is written out (a cheque never starts with a bare 拾).  ¥120.00 → 壹佰贰拾元整,
¥1,409.50 → 壹仟肆佰零玖元伍角整, ¥0.05 → 伍分, ¥100,010.00 → 壹拾万零壹拾元整.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
BIG = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")


def _group(number: int) -> str:
    """0 < number < 10000 in capital numerals, inner zeros as one 零, trailing zeros dropped."""
    out, zero = "", False
    for size, unit in SMALL:
        digit = number // size % 10
        if digit == 0:
            zero = bool(out)
        else:
            out += ("零" if zero else "") + DIGITS[digit] + unit
            zero = False
    return out


def _integer(number: int) -> str:
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(BIG):
        raise ValueError("amount too large for capital numerals")
    out, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _group(group) + BIG[index]
        gap = False
    return out


def capital_amount(amount: Decimal) -> str:
    """`amount` (CNY, rounded half-up to the fen) in capital numerals, e.g. 壹佰贰拾元整."""
    if isinstance(amount, float):
        raise TypeError("amounts are Decimal, never float")
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "负" if value < 0 else ""
    fen_total = int(abs(value) * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    out = _integer(yuan) + ("元" if yuan else "")
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan and fen:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return sign + out
