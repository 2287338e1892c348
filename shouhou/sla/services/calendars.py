"""Working calendars: seeding from chinese_calendar, editing, CSV import, expiry warnings (issue 3)."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import record_change, stamp
from shouhou.core.errors import PermissionDeniedError, ServiceError

from ..choices import DayKind
from ..holidays import OFFICE_HOURS, china_exceptions
from ..models import CalendarDay, WorkingCalendar, validate_day_spec

WARN_DAYS = 60  # warn admins this many days before a calendar's holiday data runs out

STANDARD_CALENDARS = (
    # code, name, week, statutory, default
    ("cn-5x8", "中国大陆 5×8(09:00–18:00,午休 12:00–13:00)", [OFFICE_HOURS] * 5 + ["", ""], "CN", True),
    ("cn-7x24", "7×24 全天候", ["00:00-24:00"] * 7, "", False),
)


def _can_edit(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.role == "admin"))


def touch_calendar(calendar: WorkingCalendar) -> None:
    """Bump the calendar's version so cached calendar values are rebuilt (after any day edit)."""
    WorkingCalendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1, updated_at=timezone.now())
    calendar.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def seed_calendars() -> dict:
    """Create the standard calendars and add every statutory day chinese_calendar knows.

    Idempotent, and never overwrites a day an admin edited (only missing dates are added).
    `known_until` moves forward to the last year the package knows.  Returns counts.
    """
    created = added = 0
    for code, name, week, statutory, is_default in STANDARD_CALENDARS:
        calendar, was_created = WorkingCalendar.objects.get_or_create(
            code=code, defaults={"name": name, "week": week, "statutory": statutory,
                                 "is_default": is_default and not WorkingCalendar.objects.filter(is_default=True).exists()})
        created += was_created
        if calendar.statutory == "CN":
            added += _seed_china(calendar)
    return {"calendars_created": created, "days_added": added}


def _seed_china(calendar: WorkingCalendar) -> int:
    data = china_exceptions()
    have = set(calendar.days.values_list("date", flat=True))
    rows = [CalendarDay(calendar=calendar, date=day, kind=DayKind.HOLIDAY, name=name.zh, source=data.source)
            for day, name in data.holidays.items() if day not in have]
    rows += [CalendarDay(calendar=calendar, date=day, kind=DayKind.MAKEUP, name=f"{name.zh}调休", source=data.source)
             for day, name in data.makeup_days.items() if day not in have]
    # Deliberately no history row per seeded day (thousands, on every migrate): the days come from
    # the package named in `source` and can be derived again; the calendar's own history gets one
    # row saying how many were added.  Days people add or edit later are audited one by one.
    CalendarDay.objects.bulk_create(rows, batch_size=500)
    known = data.known_until
    if rows or (known and (calendar.known_until is None or known > calendar.known_until)):
        if known and (calendar.known_until is None or known > calendar.known_until):
            WorkingCalendar.objects.filter(pk=calendar.pk).update(known_until=known)
        touch_calendar(calendar)
        calendar.refresh_from_db()
        record_change(stamp(calendar, None), default_reason=_("%(n)s statutory days added from %(source)s.")
                      % {"n": len(rows), "source": data.source})
    return len(rows)


def expiring_calendars(today: date | None = None, within: int = WARN_DAYS) -> list[tuple[WorkingCalendar, int]]:
    """Calendars whose holiday data runs out within `within` days (or already has): (calendar, days left)."""
    today = today or timezone.localdate()
    out = []
    for calendar in WorkingCalendar.objects.exclude(statutory="").order_by("code"):
        left = calendar.days_left(today)
        if left is None or left < within:
            out.append((calendar, left if left is not None else -1))
    return out


@transaction.atomic
def save_calendar_day(user, calendar: WorkingCalendar, *, day: date, kind: str, name: str = "", hours: str = "",
                      source: str = "admin") -> CalendarDay:
    """Add or change one dated exception; extends `known_until` when the day lies beyond it."""
    if not _can_edit(user):
        raise PermissionDeniedError("not_permitted", _("Only administrators edit calendars."))
    if kind not in DayKind.values:
        raise ServiceError("bad_kind", _("Unknown day kind: %(k)s") % {"k": kind}, "kind")
    try:
        validate_day_spec(hours)
    except Exception as exc:
        raise ServiceError("bad_hours", _("Invalid working hours: %(h)s") % {"h": hours}, "hours") from exc
    row, _created = CalendarDay.objects.update_or_create(
        calendar=calendar, date=day, defaults={"kind": kind, "name": name, "hours": hours, "source": source})
    touch_calendar(calendar)
    _recompute(calendar, user, _("Calendar %(cal)s changed: %(day)s %(name)s.") % {
        "cal": calendar.name, "day": day.isoformat(), "name": name or DayKind(kind).label})
    return row


def _recompute(calendar: WorkingCalendar, user, reason: str) -> dict:
    from .recompute import recompute_calendar_clocks

    return recompute_calendar_clocks(calendar, reason=reason, actor=user)


def extend_known_until(user, calendar: WorkingCalendar, until: date) -> WorkingCalendar:
    """An admin confirms the calendar's exceptions are complete up to `until` (a new year entered)."""
    if not _can_edit(user):
        raise PermissionDeniedError("not_permitted", _("Only administrators edit calendars."))
    WorkingCalendar.objects.filter(pk=calendar.pk).update(known_until=until)
    touch_calendar(calendar)
    calendar.refresh_from_db()
    record_change(stamp(calendar, user))
    return calendar


KIND_WORDS = {"holiday": DayKind.HOLIDAY, "假日": DayKind.HOLIDAY, "节假日": DayKind.HOLIDAY, "休": DayKind.HOLIDAY,
              "makeup": DayKind.MAKEUP, "调休": DayKind.MAKEUP, "班": DayKind.MAKEUP, "补班": DayKind.MAKEUP,
              "workday": DayKind.MAKEUP}


def import_calendar_days(user, calendar: WorkingCalendar, text: str) -> dict:
    """Import exceptions from CSV text: `date,kind,name[,hours]` (kind: holiday/makeup or 休/班).

    All or nothing: a bad row aborts the import with its line number and reason
    (ServiceError `bad_rows`, message listing them).  Extends `known_until` to 31 December of the
    last year imported when that is later.  Returns counts.
    """
    if not _can_edit(user):
        raise PermissionDeniedError("not_permitted", _("Only administrators edit calendars."))
    errors, parsed = [], []
    for line_no, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        if not row or not "".join(row).strip() or row[0].strip().lower() in ("date", "日期"):
            continue
        try:
            day = date.fromisoformat(row[0].strip())
            kind = KIND_WORDS[(row[1] if len(row) > 1 else "").strip().lower()]
            hours = row[3].strip() if len(row) > 3 else ""
            validate_day_spec(hours)
            parsed.append((day, kind, row[2].strip() if len(row) > 2 else "", hours))
        except (ValueError, KeyError, Exception) as exc:  # noqa: B014 - every bad row is reported the same way
            errors.append(_("line %(n)s: %(reason)s") % {"n": line_no, "reason": exc or _("bad value")})
    if errors:
        raise ServiceError("bad_rows", "; ".join(str(e) for e in errors), "file")
    with transaction.atomic():
        for day, kind, name, hours in parsed:
            CalendarDay.objects.update_or_create(calendar=calendar, date=day,
                                                 defaults={"kind": kind, "name": name, "hours": hours, "source": "import"})
        if parsed:
            last = date(max(d for d, *_ in parsed).year, 12, 31)
            if calendar.statutory and (calendar.known_until is None or last > calendar.known_until):
                WorkingCalendar.objects.filter(pk=calendar.pk).update(known_until=last)
            touch_calendar(calendar)
            _recompute(calendar, user, _("Calendar %(cal)s: %(n)s days imported.") % {
                "cal": calendar.name, "n": len(parsed)})
    return {"imported": len(parsed)}
