"""Celery tasks (production path); the embedded worker runs the same functions without Celery.

Tasks take no objects, work in bounded batches and are idempotent (style rule 15).
"""

from __future__ import annotations

from celery import shared_task

from shouhou.core.worker import Job

from .services import deliver_due

# Resolved lazily: the SLA app sits above notify and may not have landed yet.
_scan_clocks = Job("scan_clocks", "shouhou.sla.tasks.scan_clocks", every=0)
_check_calendars = Job("check_calendars", "shouhou.sla.tasks.check_calendars", every=0)


@shared_task(name="shouhou.notify.deliver_outbox", ignore_result=False)
def deliver_outbox(limit: int = 100) -> dict:
    """Deliver up to `limit` due outbox messages; returns the counts of `deliver_due`."""
    return deliver_due(limit=max(1, min(int(limit), 1000)))


@shared_task(name="shouhou.notify.scan_clocks", ignore_result=False)
def scan_clocks():
    """Run the SLA clock scan (`shouhou.sla.tasks.scan_clocks`) when the SLA app provides it."""
    func = _scan_clocks.resolve()
    if func is None:
        return {"skipped": "shouhou.sla.tasks.scan_clocks is not available"}
    return func()


@shared_task(name="shouhou.notify.check_calendars", ignore_result=False)
def check_calendars():
    """Run the working calendars' check (`shouhou.sla.tasks.check_calendars`) when the SLA app provides it."""
    func = _check_calendars.resolve()
    if func is None:
        return {"skipped": "shouhou.sla.tasks.check_calendars is not available"}
    return func()
