"""Reference data plans are built on, written through the API (issue 8): working calendars and
service zones.  Calendar edits that move working time recompute the calendar's open clocks."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import require
from shouhou.core.audit import stamp
from shouhou.core.errors import ServiceError
from shouhou.core.versioning import save_versioned
from shouhou.customers.models import ServiceZone
from shouhou.tickets.models import Ticket
from shouhou.tickets.severity import SeverityLevel

from ..models import WorkingCalendar
from .calendars import touch_calendar

CALENDAR_FIELDS = ("code", "name", "time_zone", "week", "makeup_hours", "statutory", "is_default")
TIME_FIELDS = {"time_zone", "week", "makeup_hours"}


def _may_edit_calendars(user) -> None:
    require(user, "calendar.change", None, _("Only administrators edit calendars."))


@transaction.atomic
def create_calendar(user, fields: dict, *, reason: str = "") -> WorkingCalendar:
    """A new working calendar; one marked "CN" gets the statutory days itself (receivers)."""
    _may_edit_calendars(user)
    calendar = WorkingCalendar(**{k: v for k, v in fields.items() if k in CALENDAR_FIELDS})
    calendar.full_clean()
    stamp(calendar, user, reason or _("Calendar created.")).save()
    return calendar


@transaction.atomic
def update_calendar(user, calendar: WorkingCalendar, fields: dict, *, version: int | None,
                    reason: str = "") -> WorkingCalendar:
    """Change a calendar (optimistic: `version` must be current); a change of working time
    recomputes every open clock counted on it, with the reason on each ticket's timeline."""
    _may_edit_calendars(user)
    changes = {k: v for k, v in fields.items() if k in CALENDAR_FIELDS}
    stamp(calendar, user, reason or _("Calendar changed."))
    save_versioned(calendar, version, changes)
    if TIME_FIELDS & {k for k, v in changes.items()}:
        from .recompute import recompute_calendar_clocks

        touch_calendar(calendar)
        recompute_calendar_clocks(calendar, actor=user, reason=reason or _(
            "Working hours of calendar %(cal)s changed.") % {"cal": calendar.name})
    return calendar


@transaction.atomic
def save_zone(user, zone: ServiceZone | None, fields: dict, *, reason: str = "") -> ServiceZone:
    """Add or rename a service zone (the codes targets are scoped by)."""
    require(user, "plan.edit", None, _("Only service managers and administrators edit service zones."))
    zone = zone or ServiceZone()
    for name in ("code", "name"):
        if name in fields:
            setattr(zone, name, fields[name])
    zone.full_clean()
    stamp(zone, user, reason or _("Service zone saved.")).save()
    return zone


@transaction.atomic
def save_severity(user, level: SeverityLevel | None, fields: dict, *, reason: str = "") -> SeverityLevel:
    """Add or change one of the company's severity levels (its name and definition show on the
    intake form).  A level tickets use is retired (active off), never deleted."""
    require(user, "plan.edit", None, _("Only service managers and administrators edit severity levels."))
    level = level or SeverityLevel()
    for name in ("rank", "name", "definition", "active"):
        if name in fields:
            setattr(level, name, fields[name])
    if level.pk and "rank" in fields and level.rank != SeverityLevel.objects.get(pk=level.pk).rank and \
            Ticket.objects.filter(severity=SeverityLevel.objects.get(pk=level.pk).rank).exists():
        raise ServiceError("severity_in_use", _("Requests use this level; its rank cannot change."), "rank")
    level.full_clean()
    stamp(level, user, reason or _("Severity level saved.")).save()
    return level
