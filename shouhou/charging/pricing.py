"""Pricing of a quote's lines by a charging rule (pure; no Django import).

Chinese practice quotes prices tax-inclusive (含税价).  Each line is priced on its own:

- its unit price follows the rule's basis for its kind — parts free, at list price, at a
  percentage of list (a plan promises 80 %), or at cost; labour free ("parts only, no labour") or
  at an hourly rate (P2.3: at cost, at most 10 CNY/hour; P6.7 wages without markup); travel
  free, at a rate per trip or kilometre, or at the actual cost entered (P6.7, no markup);
- a kind the entitlement covers is free, whatever the rule says for paid work;
- the unit price is rounded to 0.01, the line's amount is unit price × quantity rounded to 0.01
  (ROUND_HALF_UP), and the VAT inside it is amount × rate / (1 + rate), rounded the same way, at
  the rate of the line's VAT kind (rates are data: 13 % goods and repair, 9 % installation,
  6 % IT services, 3 % the small-scale taxpayer's rate);
- a surcharge for work at night, on a rest day or on a statutory holiday is its own line: a
  percentage of the charged labour — the highest applicable one, never several at once;
- the totals are the sums of the lines, so a printed quote always adds up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")

# Kinds of line.
PARTS, LABOUR, TRAVEL, SURCHARGE = "parts", "labour", "travel", "surcharge"
LINE_KINDS = (PARTS, LABOUR, TRAVEL)  # what an engineer records; surcharges are derived
# Bases of a price.
FREE, LIST, LIST_PERCENT, COST, RATE, ACTUAL = "free", "list", "list_percent", "cost", "rate", "actual"
COVERED = "covered"  # free because the entitlement covers the kind
PARTS_BASES = (FREE, LIST, LIST_PERCENT, COST)
LABOUR_BASES = (FREE, RATE)
TRAVEL_BASES = (FREE, RATE, ACTUAL)
# When the work is done, for surcharges (charging.calendars tells it from the working calendar).
NIGHT, REST_DAY, HOLIDAY = "night", "rest_day", "holiday"
TIME_CLASSES = (NIGHT, REST_DAY, HOLIDAY)


def money(value: Decimal) -> Decimal:
    """Rounded to the fen, half up (Decimal only: money is never a float)."""
    if isinstance(value, float):
        raise TypeError("amounts are Decimal, never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    """A charging rule's terms for paid work (charging.models.ChargingRule as plain values)."""

    parts_basis: str = LIST
    parts_percent: Decimal = HUNDRED  # of list price, for LIST_PERCENT
    labour_basis: str = RATE
    labour_rate: Decimal = ZERO  # per hour
    labour_vat_kind: str = "repair"
    travel_basis: str = FREE
    travel_rate: Decimal = ZERO  # per trip or kilometre
    travel_vat_kind: str = "repair"
    surcharges: Mapping[str, Decimal] = field(default_factory=dict)  # time class → percent of labour

    def __post_init__(self) -> None:
        if self.parts_basis not in PARTS_BASES or self.labour_basis not in LABOUR_BASES \
                or self.travel_basis not in TRAVEL_BASES:
            raise ValueError("unknown pricing basis")
        if self.parts_percent < 0 or self.labour_rate < 0 or self.travel_rate < 0:
            raise ValueError("prices and percentages are never negative")
        if any(k not in TIME_CLASSES or v < 0 for k, v in self.surcharges.items()):
            raise ValueError("surcharges are non-negative percentages of night, rest day or holiday work")


@dataclass(frozen=True)
class LineInput:
    """What the engineer recorded: a part from the catalogue (with its list price and cost in the
    price list version in effect), hours of labour, or travel (trips or kilometres)."""

    kind: str
    quantity: Decimal
    description: str = ""
    code: str = ""
    vat_kind: str = "goods"  # a part's own kind; labour and travel take the rule's
    list_price: Decimal | None = None  # tax-inclusive unit price of the price list
    cost_price: Decimal | None = None
    entered_price: Decimal | None = None  # travel at actual cost

    def __post_init__(self) -> None:
        if self.kind not in LINE_KINDS:
            raise ValueError(f"unknown line kind {self.kind!r}")
        if self.quantity <= 0:
            raise ValueError("a line's quantity is positive")


@dataclass(frozen=True)
class PricedLine:
    kind: str
    description: str
    code: str
    quantity: Decimal
    unit_price: Decimal  # tax-inclusive, rounded to 0.01
    amount: Decimal  # tax-inclusive
    vat_kind: str
    vat_rate: Decimal
    tax: Decimal
    basis: str  # how it was priced: FREE, LIST, LIST_PERCENT, COST, RATE, ACTUAL, COVERED
    percent: Decimal | None = None  # LIST_PERCENT's percentage; a surcharge's
    list_price: Decimal | None = None
    time_class: str = ""  # a surcharge's reason

    @property
    def net(self) -> Decimal:
        return self.amount - self.tax


@dataclass(frozen=True)
class Priced:
    lines: tuple[PricedLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def tax_total(self) -> Decimal:
        return sum((line.tax for line in self.lines), ZERO)

    @property
    def net_total(self) -> Decimal:
        return self.total - self.tax_total


class MissingPrice(ValueError):
    """The basis needs a price the line lacks (a part not on the price list, no cost recorded)."""

    def __init__(self, line: LineInput, what: str):
        super().__init__(f"{line.code or line.description}: no {what}")
        self.line, self.what = line, what


def tax_in(amount: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a tax-inclusive amount."""
    return money(amount * rate / (1 + rate))


def _unit(line: LineInput, rule: Rule) -> tuple[Decimal, str, Decimal | None]:
    if line.kind == PARTS:
        if rule.parts_basis == FREE:
            return ZERO, FREE, None
        if rule.parts_basis == COST:
            if line.cost_price is None:
                raise MissingPrice(line, "cost price")
            return money(line.cost_price), COST, None
        if line.list_price is None:
            raise MissingPrice(line, "list price")
        if rule.parts_basis == LIST:
            return money(line.list_price), LIST, None
        return money(line.list_price * rule.parts_percent / HUNDRED), LIST_PERCENT, rule.parts_percent
    if line.kind == LABOUR:
        return (ZERO, FREE, None) if rule.labour_basis == FREE else (money(rule.labour_rate), RATE, None)
    if rule.travel_basis == FREE:
        return ZERO, FREE, None
    if rule.travel_basis == ACTUAL:
        if line.entered_price is None:
            raise MissingPrice(line, "actual travel cost")
        return money(line.entered_price), ACTUAL, None
    return money(rule.travel_rate), RATE, None


def _vat_kind(line: LineInput, rule: Rule) -> str:
    return {PARTS: line.vat_kind, LABOUR: rule.labour_vat_kind, TRAVEL: rule.travel_vat_kind}[line.kind]


def price_line(line: LineInput, rule: Rule, covered: frozenset[str], rates: Mapping[str, Decimal]) -> PricedLine:
    """One recorded line priced by `rule`, free when its kind is `covered`."""
    vat_kind = _vat_kind(line, rule)
    rate = rates[vat_kind]
    if line.kind in covered:
        unit, basis, percent = ZERO, COVERED, None
    else:
        unit, basis, percent = _unit(line, rule)
    amount = money(unit * line.quantity)
    return PricedLine(kind=line.kind, description=line.description, code=line.code, quantity=line.quantity,
                      unit_price=unit, amount=amount, vat_kind=vat_kind, vat_rate=rate, tax=tax_in(amount, rate),
                      basis=basis, percent=percent, list_price=line.list_price)


def surcharge_line(labour: Iterable[PricedLine], rule: Rule, time_classes: Iterable[str],
                   rates: Mapping[str, Decimal]) -> PricedLine | None:
    """The surcharge on charged labour for work done at night / on a rest day / on a holiday:
    the highest percentage among the classes that apply; None when nothing is due."""
    applicable = [(rule.surcharges.get(c, ZERO), c) for c in time_classes if rule.surcharges.get(c)]
    base = sum((line.amount for line in labour if line.kind == LABOUR), ZERO)
    if not applicable or base <= 0:
        return None
    percent, time_class = max(applicable, key=lambda item: (item[0], -TIME_CLASSES.index(item[1])))
    amount = money(base * percent / HUNDRED)
    rate = rates[rule.labour_vat_kind]
    return PricedLine(kind=SURCHARGE, description="", code="", quantity=Decimal(1), unit_price=amount,
                      amount=amount, vat_kind=rule.labour_vat_kind, vat_rate=rate, tax=tax_in(amount, rate),
                      basis=RATE, percent=percent, time_class=time_class)


def price(lines: Iterable[LineInput], rule: Rule, covered: frozenset[str], rates: Mapping[str, Decimal],
          time_classes: Iterable[str] = ()) -> Priced:
    """Every recorded line priced, then the surcharge line (if any).  Raises MissingPrice, KeyError
    for a VAT kind without a rate."""
    priced = [price_line(line, rule, covered, rates) for line in lines]
    extra = surcharge_line(priced, rule, tuple(time_classes), rates)
    return Priced(tuple(priced) + ((extra,) if extra else ()))


def time_classes_of(at_minute: int, *, holiday: bool, working_day: bool, night: tuple[int, int] | None) -> tuple[str, ...]:
    """When work at local minute-of-day `at_minute` falls, for surcharges.

    `holiday`: the date is a statutory holiday (法定节假日); `working_day`: it has working hours in
    the calendar — a make-up working day (调休上班日) is one even on a Saturday, so no rest-day
    surcharge there, though work at night still is night work; `night`: (start, end) minutes, e.g.
    (1320, 360) for 22:00–06:00 (wrapping midnight), None for no night surcharge.
    """
    found = []
    if night is not None:
        start, end = night
        if (start <= at_minute or at_minute < end) if start > end else (start <= at_minute < end):
            found.append(NIGHT)
    if holiday:
        found.append(HOLIDAY)
    elif not working_day:
        found.append(REST_DAY)
    return tuple(found)
