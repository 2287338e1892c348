"""Background work of dispatch (style rule 15): no arguments, bounded, idempotent.

settings.BACKGROUND_JOBS declares `check_roster` (daily): duty patterns generate their shifts
ahead, and the service managers hear of coverage gaps in the next days (P2.2, P14.11).
"""

from __future__ import annotations


def check_roster() -> dict:
    from .roster.services import check_roster as check

    return check()
