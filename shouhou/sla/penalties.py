"""Penalties for late service (issue 8, "What a plan can say": penalties) — the pure arithmetic.

Pure module (no Django import; architecture.md "pure cores"): Decimal in, Decimal out, never a
float, so a statement adds up to the fen.

A plan promises, per target, an amount of money for lateness:

* basis ``hour`` — pro rata per hour late ("30 CNY for every hour late": 90 minutes is 45.00);
* basis ``started_hour`` — every hour begun counts whole (3 h 01 min late is 4 hours: 120.00).

A cap per ticket bounds one ticket's penalty for the target; a cap per month bounds the sum over
a contract's month (a fixed amount, or a share of the contract fee — the smaller of the two when
both are given).  The monthly cap is applied when the statement is drawn up, in order of the
breaches: the first ones are paid in full until the cap is reached (``allocate_monthly_cap``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["BASES", "PenaltyTerm", "allocate_monthly_cap", "late_hours", "monthly_cap", "penalty"]

HOUR = "hour"
STARTED_HOUR = "started_hour"
BASES = (HOUR, STARTED_HOUR)
FEN = Decimal("0.01")
_MICROS_PER_HOUR = 3_600_000_000


@dataclass(frozen=True)
class PenaltyTerm:
    """A target's penalty: ``rate`` CNY per (started) hour late, at most ``cap_per_ticket``."""

    rate: Decimal
    basis: str = STARTED_HOUR
    cap_per_ticket: Decimal | None = None

    def __post_init__(self):
        if self.basis not in BASES:
            raise ValueError(f"unknown penalty basis {self.basis!r}")
        if not isinstance(self.rate, Decimal) or self.rate < 0:
            raise ValueError("the rate is a non-negative Decimal")
        if self.cap_per_ticket is not None and (not isinstance(self.cap_per_ticket, Decimal) or self.cap_per_ticket < 0):
            raise ValueError("the cap per ticket is a non-negative Decimal")


def late_hours(late: timedelta, basis: str) -> Decimal:
    """The hours that count: exact (to the microsecond) for ``hour``, rounded up for ``started_hour``."""
    micros = max(0, late // timedelta(microseconds=1))
    if basis == STARTED_HOUR:
        return Decimal(-(-micros // _MICROS_PER_HOUR))
    return Decimal(micros) / Decimal(_MICROS_PER_HOUR)


def penalty(term: PenaltyTerm, late: timedelta) -> Decimal:
    """The penalty for one late clock, in CNY to the fen (half up), never above the ticket cap.

    Not late (zero or negative lateness) costs nothing.
    """
    if late <= timedelta(0):
        return Decimal("0.00")
    amount = (term.rate * late_hours(late, term.basis)).quantize(FEN, rounding=ROUND_HALF_UP)
    if term.cap_per_ticket is not None:
        amount = min(amount, term.cap_per_ticket.quantize(FEN, rounding=ROUND_HALF_UP))
    return amount


def monthly_cap(amount: Decimal | None, share: Decimal | None, fee: Decimal | None) -> Decimal | None:
    """The month's cap: a fixed amount, a share of the contract fee, or the smaller of both; None = no cap."""
    caps = [amount] if amount is not None else []
    if share is not None and fee is not None:
        caps.append((share * fee).quantize(FEN, rounding=ROUND_HALF_UP))
    return min(caps) if caps else None


def allocate_monthly_cap(amounts: Sequence[Decimal], cap: Decimal | None) -> list[Decimal]:
    """What is payable of each amount (in the given order) when the month's total may not exceed ``cap``."""
    if cap is None:
        return list(amounts)
    left = max(cap, Decimal("0"))
    out = []
    for amount in amounts:
        pay = min(amount, left)
        out.append(pay)
        left -= pay
    return out
