"""A statutory calendar's yearly schedules: official, provisional, and the admins' notices (issue 8).

* ``fill_statutory_days`` gives a Chinese calendar every official year a maintained package
  carries, and a *provisional* schedule (the law's statutory days, computed) for each year up to
  next year that has no official data yet — so a clock never counts New Year's Day as a working
  day just because the notice has not been entered.
* ``apply_schedule`` stores a year's official schedule (a pasted State Council notice, a file, a
  package) in place of the provisional one and recomputes every open clock on the calendar
  through the bulk recompute, each changed ticket's timeline saying why.
* ``check_calendars`` (the periodic job) keeps calendars filled and e-mails the admins 60 days
  before the official data runs out and when a provisional year starts being used — each notice
  once (outbox dedupe keys).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import record_change, stamp
from shouhou.core.errors import PermissionDeniedError

from .. import holidays as hd
from ..choices import OPEN_CLOCK_STATES, ClockState
from ..models import CalendarDay, Clock, WorkingCalendar

WARN_DAYS = 60  # warn admins this many days before a calendar's official holiday data runs out
MANUAL_SOURCES = ("admin",)  # rows an admin set by hand survive a package or provisional refill


def can_edit_calendars(user) -> bool:
    """Who edits working calendars: "calendar.change" in accounts.permissions (admins, superusers)."""
    from shouhou.accounts.permissions import may

    return may(user, "calendar.change")


def _touch(calendar: WorkingCalendar) -> None:
    from .calendars import touch_calendar

    touch_calendar(calendar)


def _rows(calendar: WorkingCalendar, schedule: hd.Schedule) -> list[CalendarDay]:
    return [CalendarDay(calendar=calendar, date=d.date, kind=d.kind, name=d.name[:100], source=schedule.source[:64],
                        provisional=schedule.provisional) for d in schedule.days]


def _store(calendar: WorkingCalendar, schedule: hd.Schedule, *, overwrite_manual: bool) -> int:
    """Replace the year's rows by the schedule's days; returns rows written.

    Rows an admin set by hand on other dates (a company day off) always survive; on the
    schedule's own dates they are overwritten only with `overwrite_manual` (an entered notice).
    """
    rows = _rows(calendar, schedule)
    year_rows = calendar.days.filter(date__year=schedule.year)
    if not overwrite_manual:
        manual = set(year_rows.filter(source__in=MANUAL_SOURCES).values_list("date", flat=True))
        rows = [row for row in rows if row.date not in manual]
    year_rows.exclude(source__in=MANUAL_SOURCES).delete()
    calendar.days.filter(date__in=[row.date for row in rows]).delete()  # e.g. 12-31 of the year before
    CalendarDay.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _recompute(calendar: WorkingCalendar, actor, reason: str) -> dict:
    from .recompute import recompute_calendar_clocks

    return recompute_calendar_clocks(calendar, reason=reason, actor=actor)


def apply_schedule(user, calendar: WorkingCalendar, schedule: hd.Schedule, *, system: bool = False) -> dict:
    """Store a year's schedule on `calendar` and recompute its open clocks (one transaction).

    An official schedule replaces its year's package, provisional and imported rows (see _store)
    and moves `known_until` to 31 December of the
    year when it follows on from the official data.  `system`: a package refill, not a person
    (no permission check).  Returns counts: days, known_until, recompute.
    """
    if not system and not can_edit_calendars(user):
        raise PermissionDeniedError("not_permitted", _("Only administrators edit calendars."))
    with transaction.atomic():
        calendar = WorkingCalendar.objects.select_for_update().get(pk=calendar.pk)
        written = _store(calendar, schedule, overwrite_manual=not system)
        known = calendar.known_until
        if not schedule.provisional and (known is None or schedule.year <= known.year + 1):
            known = max(known or date.min, date(schedule.year, 12, 31))
            WorkingCalendar.objects.filter(pk=calendar.pk).update(known_until=known)
        _touch(calendar)
        if schedule.provisional:
            reason = _("Calendar %(cal)s: provisional %(year)s holidays (computed; no official notice yet).")
        else:
            reason = _("Calendar %(cal)s: official %(year)s holidays entered (%(source)s); "
                       "they replace the provisional ones.")
        reason = reason % {"cal": calendar.name, "year": schedule.year, "source": schedule.source}
        calendar.refresh_from_db()
        record_change(stamp(calendar, user, reason))  # one audit row for the year's days (issue 6)
        counts = _recompute(calendar, user, reason)
    return {"days": written, "known_until": known, "recompute": counts}


def _last_known(calendar: WorkingCalendar) -> int:
    return calendar.known_until.year if calendar.known_until else timezone.localdate().year - 1


def fill_statutory_days(calendar: WorkingCalendar, today: date | None = None) -> dict:
    """Give a Chinese (`statutory="CN"`) calendar its statutory days; idempotent.

    Missing official years the packages carry are added (rows an admin edited are kept); years
    after the official data up to next year get the packages' official schedule as soon as one
    carries it, else a provisional one.  Returns {"official": [years], "provisional": [years]}
    of the years written now.
    """
    out: dict[str, list[int]] = {"official": [], "provisional": []}
    if calendar.statutory != "CN":
        return out
    today = today or timezone.localdate()
    data = hd.china_exceptions()
    have = dict(calendar.days.filter(date__year__lte=data.last_known_year).values_list("date", "source"))
    kinds = dict(calendar.days.filter(source=data.source).values_list("date", "kind"))
    added, retyped = [], defaultdict(list)
    for year in data.years:
        for row in _rows(calendar, hd.official_schedule(year)):
            if row.date not in have:
                added.append(row)
            elif kinds.get(row.date, row.kind) != row.kind:  # seeded before day types were kept apart
                retyped[row.kind].append(row.date)
    # No history row per seeded day (issue 6): the calendar's own history gets one summary row.
    CalendarDay.objects.bulk_create(added, batch_size=500)
    if added:
        record_change(stamp(calendar, None), default_reason=_("%(n)s statutory days added from %(source)s.")
                      % {"n": len(added), "source": data.source})
    for kind, dates in retyped.items():
        calendar.days.filter(date__in=dates, source=data.source).update(kind=kind)
    if added or retyped or calendar.known_until is None or calendar.known_until < date(data.last_known_year, 12, 31):
        known = max(calendar.known_until or date.min, date(data.last_known_year, 12, 31))
        WorkingCalendar.objects.filter(pk=calendar.pk).update(known_until=known)
        calendar.known_until = known
        _touch(calendar)
    provisional = set(calendar.provisional_years())
    for year in range(_last_known(calendar) + 1, today.year + 2):
        official = hd.official_schedule(year)
        if official is not None and year == _last_known(calendar) + 1:
            apply_schedule(None, calendar, official, system=True)
            calendar.refresh_from_db()
            out["official"].append(year)
        elif year not in provisional and not calendar.days.filter(date__year=year).exclude(
                source__in=MANUAL_SOURCES).exists():  # nothing official entered for the year (a notice, a file)
            apply_schedule(None, calendar, hd.provisional_schedule(year), system=True)
            out["provisional"].append(year)
    return out


# ----------------------------------------------------------------------------- admin notices
def _year_in_use(calendar: WorkingCalendar, year: int, today: date) -> bool:
    """A provisional year is in use once today lies in it or an open clock on the calendar is due in it."""
    if today.year >= year:
        return True
    start = datetime.combine(date(year, 1, 1), time.min, tzinfo=ZoneInfo(calendar.time_zone))
    return Clock.objects.filter(calendar=calendar, state__in=[*OPEN_CLOCK_STATES, ClockState.BREACHED],
                                stopped_at__isnull=True, due_at__gte=start).exists()


def notify_calendar_admins(calendar: WorkingCalendar, today: date) -> list[str]:
    """Announce the calendar notices that are due for `calendar`; returns their dedupe keys.

    Goes through the notification policy as "calendar.running_out" (seeded rule: administrators,
    in-app and e-mail).  The dedupe key makes each notice go out once: one per end date of the
    official data (60 days ahead), one per provisional year when it starts being used.
    """
    from shouhou.notify import emit

    keys, link = [], reverse("sla:calendar_detail", args=[calendar.pk])
    values = {"calendar": calendar.name, "link": link, "until": "", "left": "", "year": ""}
    left = calendar.days_left(today)
    if left is not None and left < WARN_DAYS:
        key = f"sla:calendar:{calendar.pk}:official-ends:{calendar.known_until.isoformat()}"
        emit("calendar.running_out", about=calendar, dedupe=key, link=link,
             context={**values, "until": calendar.known_until.isoformat(), "left": left})
        keys.append(key)
    for year in calendar.provisional_years():
        if not _year_in_use(calendar, year, today):
            continue
        key = f"sla:calendar:{calendar.pk}:provisional:{year}"
        emit("calendar.running_out", about=calendar, dedupe=key, link=link, context={**values, "year": year})
        keys.append(key)
    return keys


def check_calendars(today: date | None = None) -> dict:
    """The periodic job: fill every Chinese calendar (packages, provisional years) and notify admins."""
    today = today or timezone.localdate()
    out = {"official": 0, "provisional": 0, "notices": 0}
    for calendar in WorkingCalendar.objects.filter(statutory="CN").order_by("pk"):
        with transaction.atomic():
            filled = fill_statutory_days(calendar, today)
            calendar.refresh_from_db()
            out["official"] += len(filled["official"])
            out["provisional"] += len(filled["provisional"])
            out["notices"] += len(notify_calendar_admins(calendar, today))
    return out


# ----------------------------------------------------------------------------- the State Council notice
def _notice_messages() -> dict[str, str]:
    return {
        "no_year": _("The notice's year is not in the text: choose the year."),
        "no_dates": _("No date found in “%(text)s”."),
        "no_month": _("A date without its month: “%(text)s”."),
        "bad_date": _("Not a date: “%(text)s”."),
        "bad_range": _("Not a holiday period: “%(text)s”."),
        "wrong_weekday": _("The weekday does not match the date: “%(text)s”."),
        "nothing_found": _("No holiday period or make-up working day found in the text."),
        "duplicate_date": _("A date is given twice with different meanings: “%(text)s”."),
        "count_mismatch": _("The number of days stated differs from the period: “%(text)s”."),
        "makeup_on_workday": _("A make-up working day falls on a Monday to Friday anyway: “%(text)s”."),
    }


def read_notice(text: str, year: int | None = None):
    """Parse a pasted notice (sla.notice.parse_notice) for the preview.

    Returns the ParsedNotice with its warnings translated to messages; raises ServiceError
    `bad_notice` (field `text`) with a translated message when the text cannot be read.
    """
    from shouhou.core.errors import ServiceError

    from ..notice import NoticeError, parse_notice

    messages = _notice_messages()
    try:
        parsed = parse_notice(text, year)
    except NoticeError as exc:
        raise ServiceError("bad_notice", messages[exc.code] % {"text": exc.text}, "text") from exc
    parsed.messages = [messages[code] % {"text": where} for code, where in parsed.warnings]
    return parsed


def enter_notice(user, calendar: WorkingCalendar, text: str, year: int | None = None) -> dict:
    """Store the year's schedule that a pasted State Council notice gives (replacing the provisional
    one) and recompute the calendar's open clocks, each changed ticket's timeline saying why."""
    parsed = read_notice(text, year)
    schedule = hd.Schedule(parsed.year, tuple(parsed.days), _("State Council notice"), provisional=False)
    return {"year": parsed.year, **apply_schedule(user, calendar, schedule)}


def notice_preview(calendar: WorkingCalendar, parsed) -> dict:
    """What saving a read notice would change on `calendar`: each day new / changed / unchanged
    against the stored rows, the stored days it removes, and the open clocks to recompute."""
    from ..choices import DayKind

    stored = {row.date: row for row in calendar.days.filter(
        Q(date__year=parsed.year) | Q(date__in=[d.date for d in parsed.days]))}
    rows = []
    for day in parsed.days:
        old = stored.get(day.date)
        change = "new" if old is None else ("same" if (old.kind, old.provisional) == (day.kind, False) else "changed")
        rows.append({"date": day.date, "kind": day.kind, "kind_label": DayKind(day.kind).label, "name": day.name,
                     "change": change, "before": old})
    dates = {d.date for d in parsed.days}
    removed = [row for day, row in sorted(stored.items()) if day not in dates and day.year == parsed.year
               and row.source not in MANUAL_SOURCES]
    open_clocks = Clock.objects.filter(calendar=calendar, stopped_at__isnull=True,
                                       state__in=[*OPEN_CLOCK_STATES, ClockState.BREACHED]).count()
    return {"year": parsed.year, "rows": rows, "removed": removed, "warnings": parsed.messages,
            "open_clocks": open_clocks, "counts": {kind: sum(1 for d in parsed.days if d.kind == kind)
                                                   for kind in DayKind.values}}
