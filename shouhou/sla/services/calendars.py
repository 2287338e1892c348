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
from ..holidays import OFFICE_HOURS
from ..models import CalendarDay, WorkingCalendar, validate_day_spec
from .schedules import WARN_DAYS, can_edit_calendars, fill_statutory_days

__all__ = ["WARN_DAYS", "delete_calendar_day", "expiring_calendars", "import_calendar_days", "save_calendar_day",
           "seed_calendars", "touch_calendar"]

STANDARD_CALENDARS = (
    # code, name, week, statutory, default
    ("cn-5x8", "中国大陆 5×8（09:00–18:00，午休 12:00–13:00）", [OFFICE_HOURS] * 5 + ["", ""], "CN", True),
    ("cn-7x24", "7×24 全天候", ["00:00-24:00"] * 7, "", False),
)


def _can_edit(user) -> bool:
    return can_edit_calendars(user)


def touch_calendar(calendar: WorkingCalendar) -> None:
    """Bump the calendar's version so cached calendar values are rebuilt (after any day edit)."""
    WorkingCalendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1, updated_at=timezone.now())
    calendar.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def seed_calendars() -> dict:
    """Create the standard calendars and give each Chinese one its statutory days.

    Idempotent, and never overwrites a day an admin edited (only missing dates are added); a
    year without official data gets a provisional schedule (see schedules.fill_statutory_days).
    A new Chinese calendar is filled when it is created (receivers.on_calendar_created).
    """
    created = added = 0
    for code, name, week, statutory, is_default in STANDARD_CALENDARS:
        calendar, was_created = WorkingCalendar.objects.get_or_create(
            code=code, defaults={"name": name, "week": week, "statutory": statutory,
                                 "is_default": is_default and not WorkingCalendar.objects.filter(is_default=True).exists()})
        created += was_created
        before = calendar.days.count()
        fill_statutory_days(calendar)
        added += calendar.days.count() - before
    return {"calendars_created": created, "days_added": added}


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
        calendar=calendar, date=day, defaults={"kind": kind, "name": name, "hours": hours, "source": source,
                                               "provisional": False})
    touch_calendar(calendar)
    _recompute(calendar, user, _("Calendar %(cal)s changed: %(day)s %(name)s.") % {
        "cal": calendar.name, "day": day.isoformat(), "name": name or DayKind(kind).label})
    return row


@transaction.atomic
def delete_calendar_day(user, calendar: WorkingCalendar, day: date) -> int:
    """Remove one dated exception (the day follows the weekly pattern again); recomputes clocks."""
    if not _can_edit(user):
        raise PermissionDeniedError("not_permitted", _("Only administrators edit calendars."))
    removed, _detail = calendar.days.filter(date=day).delete()
    if removed:
        touch_calendar(calendar)
        _recompute(calendar, user, _("Calendar %(cal)s changed: %(day)s is an ordinary day again.") % {
            "cal": calendar.name, "day": day.isoformat()})
    return removed


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
              "法定节假日": DayKind.HOLIDAY, "statutory": DayKind.HOLIDAY,
              "rest": DayKind.REST, "调休休息日": DayKind.REST, "休息日": DayKind.REST, "swapped": DayKind.REST,
              "makeup": DayKind.MAKEUP, "调休": DayKind.MAKEUP, "班": DayKind.MAKEUP, "补班": DayKind.MAKEUP,
              "上班": DayKind.MAKEUP, "调休上班日": DayKind.MAKEUP, "workday": DayKind.MAKEUP}


def file_rows(name: str, content: bytes) -> list[list[str]]:
    """The rows of an uploaded CSV (UTF-8, BOM allowed) or XLSX file, as lists of strings."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
            raise ServiceError("bad_file", _("Not a readable XLSX file."), "file") from exc
        return [["" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v)) for v in row]
                for row in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServiceError("bad_file", _("The CSV file must be UTF-8."), "file") from exc
    return list(csv.reader(io.StringIO(text)))


def import_calendar_days(user, calendar: WorkingCalendar, text: str | None = None, *,
                         rows: list[list[str]] | None = None) -> dict:
    """Import exceptions from CSV text or file rows: `date,kind,name[,hours]` (kind: holiday/rest/makeup,
    法定节假日/调休休息日/调休上班日, or 休/班).

    All or nothing: a bad row aborts the import with its line number and reason
    (ServiceError `bad_rows`, message listing them).  The imported days replace the provisional
    days of their years; `known_until` extends to 31 December of the last year imported when
    that is later.  Returns counts.
    """
    if not _can_edit(user):
        raise PermissionDeniedError("not_permitted", _("Only administrators edit calendars."))
    if rows is None:
        rows = list(csv.reader(io.StringIO((text or "").lstrip("\ufeff"))))
    errors, parsed = [], []
    for line_no, row in enumerate(rows, start=1):
        row = [str(cell).strip() for cell in row]
        if not row or not "".join(row) or row[0].lower() in ("date", "日期"):
            continue
        try:
            day = date.fromisoformat(row[0][:10])
            kind = KIND_WORDS[(row[1] if len(row) > 1 else "").lower()]
            hours = row[3] if len(row) > 3 else ""
            validate_day_spec(hours)
            parsed.append((day, kind, row[2] if len(row) > 2 else "", hours))
        except (ValueError, KeyError, Exception) as exc:  # noqa: B014 - every bad row is reported the same way
            errors.append(_("line %(n)s: %(reason)s") % {"n": line_no, "reason": exc or _("bad value")})
    if errors:
        raise ServiceError("bad_rows", "; ".join(str(e) for e in errors), "file")
    with transaction.atomic():
        years = {d.year for d, *_ in parsed}
        calendar.days.filter(date__year__in=years, provisional=True).delete()
        for day, kind, name, hours in parsed:
            CalendarDay.objects.update_or_create(calendar=calendar, date=day, defaults={
                "kind": kind, "name": name, "hours": hours, "source": "import", "provisional": False})
        if parsed:
            last = date(max(years), 12, 31)
            if calendar.statutory and (calendar.known_until is None or last > calendar.known_until):
                WorkingCalendar.objects.filter(pk=calendar.pk).update(known_until=last)
            touch_calendar(calendar)
            _recompute(calendar, user, _("Calendar %(cal)s: %(n)s days imported.") % {
                "cal": calendar.name, "n": len(parsed)})
    return {"imported": len(parsed)}
