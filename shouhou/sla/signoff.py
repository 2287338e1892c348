"""When work is signed off, for "an unsigned service record counts as not done" (issue 8) — pure.

Given a ticket's timeline as (instant, kind, status after) rows, `signed_off_instants` gives the
instants at which the work became signed off: the request is resolved (since the last reopening)
and every visit that arrived on site has a signed record — or, when no visit arrived, the
customer confirmed the resolution.  A target that stops at resolution stops at the first such
instant instead (services.clocks applies this when the plan has the clause).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

__all__ = ["SIGNED_OFF", "signed_off_instants"]

SIGNED_OFF = "signed_off"


def signed_off_instants(rows: Iterable[tuple[datetime, str, str | None]]) -> list[datetime]:
    """One instant per resolution that got signed off (a reopening starts over)."""
    out: list[datetime] = []
    arrived = signed = 0
    resolved = confirmed = done = False
    for at, kind, status in rows:
        if kind == "visit_arrived":
            arrived += 1
        elif kind == "visit_signed":
            signed += 1
        if status == "reopened":
            resolved = confirmed = done = False
        elif status == "resolved":
            resolved = True
        elif status in ("customer_confirmed", "closed"):
            resolved = confirmed = True
        ok = signed >= arrived if arrived else confirmed
        if resolved and ok and not done:
            out.append(at)
            done = True
    return out
