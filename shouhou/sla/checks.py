"""System check: warn before a working calendar's holiday data runs out (issue 3).

Tagged `database` (it reads rows), so it runs with `manage.py check --database default`, not on
every command; the calendars page, the admin and `seed_calendars` show the same warning.
"""

from __future__ import annotations

from django.core.checks import Tags
from django.core.checks import Warning as CheckWarning
from django.core.checks import register as register_check
from django.db import DatabaseError


def calendars_expiring(app_configs=None, databases=None, **kwargs):
    from .services.calendars import WARN_DAYS, expiring_calendars

    if not databases:
        return []
    try:
        expiring = expiring_calendars()
    except DatabaseError:  # tables not migrated yet
        return []
    return [
        CheckWarning(
            f"Working calendar {cal.code!r}: statutory holidays known only until {cal.known_until} "
            f"({left} days left). Add next year's holidays and make-up days (admin or CSV import).",
            hint=f"Warned {WARN_DAYS} days ahead; `shouhou seed_calendars` adds what chinese_calendar knows.",
            id="sla.W001", obj=cal,
        )
        for cal, left in expiring
    ]


def register() -> None:
    register_check(calendars_expiring, "sla", Tags.database)
