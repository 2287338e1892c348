"""Who pays: the entitlement of a service request, decided from its unit and contract (pure).

No Django import (architecture.md, pure cores): plain values in, a Decision out; the reason text
is written from the Decision by charging.reasons, in the reader's language.

Periods, in the order they are tried on the day the fault was reported:
- warranty (质保期): from the contract's start rule and months (P8.3: the day after acceptance;
  P13.1 / P14.1: the acceptance itself), the product model's months when no contract covers it;
- latent-defect period (P14.5): the `latent_defect_months` after the warranty ends (0: none);
- maintenance period (P11.1): after the warranty, while a contract that includes maintenance is
  in force (no end date: lifelong);
- otherwise uncovered — also before a warranty has started (no acceptance yet, or the day of
  acceptance under the day-after rule).
What a period covers is data per kind of line (labour, parts, travel): a warranty covers all
three by default; a maintenance contract with free spare parts covers parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from shouhou.assets.warranty import FROM_ACCEPTANCE, add_months, warranty_period

from .pricing import LABOUR, LINE_KINDS, PARTS, TRAVEL

WARRANTY, LATENT_DEFECT, MAINTENANCE, UNCOVERED = "warranty", "latent_defect", "maintenance", "uncovered"
STATUSES = (WARRANTY, LATENT_DEFECT, MAINTENANCE, UNCOVERED)
DEFAULT_COVERAGE: Mapping[str, frozenset[str]] = {
    WARRANTY: frozenset({LABOUR, PARTS, TRAVEL}),
    LATENT_DEFECT: frozenset({LABOUR, PARTS, TRAVEL}),
    MAINTENANCE: frozenset(),
    UNCOVERED: frozenset(),
}


def coverage_from(data: Mapping[str, object] | None) -> dict[str, frozenset[str]]:
    """Coverage as stored (status → list of kinds), checked; missing statuses take the default."""
    out = dict(DEFAULT_COVERAGE)
    for status, kinds in (data or {}).items():
        if status not in STATUSES or not isinstance(kinds, list | tuple | set | frozenset) \
                or any(k not in LINE_KINDS for k in kinds):
            raise ValueError(f"coverage of {status!r}: a list of {', '.join(LINE_KINDS)}")
        out[status] = frozenset(kinds)
    out[UNCOVERED] = frozenset()  # uncovered covers nothing, whatever is stored
    return out


@dataclass(frozen=True)
class Terms:
    """The facts entitlement is decided from."""

    acceptance: date | None
    warranty_months: int
    start_rule: str = FROM_ACCEPTANCE
    latent_defect_months: int = 0
    maintenance: bool = False  # a contract with a maintenance period covers the unit
    maintenance_from: date | None = None  # the contract's start
    maintenance_until: date | None = None  # the contract's end; None: lifelong
    contract: str = ""  # the contract's number, for the reason
    coverage: Mapping[str, frozenset[str]] = field(default_factory=lambda: dict(DEFAULT_COVERAGE))


@dataclass(frozen=True)
class Decision:
    status: str
    covered: frozenset[str]
    on: date
    period_start: date | None = None  # of the period that applies
    period_end: date | None = None  # None: open-ended (lifelong maintenance)
    warranty_start: date | None = None
    warranty_end: date | None = None
    terms: Terms | None = None

    @property
    def is_free(self) -> bool:
        return self.covered == frozenset(LINE_KINDS)


def decide(terms: Terms, on: date) -> Decision:
    """The entitlement on day `on` (the day the fault was reported)."""
    period = warranty_period(terms.acceptance, terms.warranty_months, terms.start_rule)
    start, end = period or (None, None)

    def decision(status: str, first: date | None, last: date | None) -> Decision:
        return Decision(status, terms.coverage.get(status, frozenset()) if status != UNCOVERED else frozenset(),
                        on, first, last, start, end, terms)

    if start is not None and end is not None and start <= on <= end:
        return decision(WARRANTY, start, end)
    after = end is not None and on > end
    if end is not None and after and terms.latent_defect_months > 0:
        latent_end = add_months(end + timedelta(days=1), terms.latent_defect_months) - timedelta(days=1)
        if on <= latent_end:
            return decision(LATENT_DEFECT, end + timedelta(days=1), latent_end)
    in_contract = (terms.maintenance and (terms.maintenance_from is None or terms.maintenance_from <= on)
                   and (terms.maintenance_until is None or on <= terms.maintenance_until))
    if in_contract and (after or start is None):  # `after` implies a warranty end
        first = end + timedelta(days=1) if end is not None else terms.maintenance_from
        return decision(MAINTENANCE, first, terms.maintenance_until)
    return decision(UNCOVERED, None, None)
