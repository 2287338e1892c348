"""Background work of the SLA app (style rule 15): no arguments, bounded, idempotent.

settings.BACKGROUND_JOBS declares them once: the embedded worker (in-process / `shouhou worker`)
and Celery beat (tasks `shouhou.sla.scan_clocks`, `shouhou.sla.check_calendars`) call
`scan_clocks()` every half minute and `check_calendars()` every hour.
"""

from __future__ import annotations

from .services.escalation import scan_due_clocks


def scan_clocks(batch_size: int = 200, max_batches: int = 50) -> dict:
    """Mark breached clocks and fire due escalations up to now; returns counts."""
    return scan_due_clocks(batch_size=batch_size, max_batches=max_batches)


def check_calendars() -> dict:
    """Keep Chinese calendars filled (official years, provisional years) and notify the admins once
    per notice: 60 days before the official holidays run out, and when a provisional year is used."""
    from .services.schedules import check_calendars as check

    return check()
