"""The plan's working window for appointments (issue 8, models_clauses.PlanClauses): what the
dispatch app asks before it books a time.

`appointment_verdict(ticket, at)` answers None (no window, or inside it) or a Verdict: the mode
("warn" / "refuse") and a translated message that names the window and the field.  Holidays come
from the plan's calendar (else the default calendar).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .. import appointment_window as aw
from ..models import CalendarDay
from ..models_clauses import WEEKDAYS, PlanClauses, WindowMode, clauses_of
from .clocks import default_calendar, plan_calendar, plan_for_ticket


@dataclass(frozen=True)
class Verdict:
    mode: str  # WindowMode.WARN or WindowMode.REFUSE
    reason: str  # appointment_window.WEEKDAY / HOURS / HOLIDAY
    message: str


def describe_window(clauses: PlanClauses) -> str:
    """"Monday, Tuesday … 08:30-17:00, not on holidays" in the current language."""
    names = dict(WEEKDAYS)
    days = "、".join(str(names[d]) for d in sorted(set(clauses.appointment_days or [])) if d in names)
    text = f"{days} {clauses.appointment_hours}".strip()
    if clauses.appointment_skip_holidays:
        text += _(", not on holidays")
    return text


def appointment_verdict(ticket, at: datetime) -> Verdict | None:
    """None when `ticket`'s plan sets no working window or `at` lies inside it."""
    plan = plan_for_ticket(ticket)
    clauses = clauses_of(plan)
    if clauses is None or not clauses.appointment_window:
        return None
    calendar = (plan_calendar(plan) if plan is not None else None) or default_calendar()
    time_zone = calendar.time_zone if calendar is not None else "Asia/Shanghai"

    def day_kind(day):
        if calendar is None:
            return None
        return CalendarDay.objects.filter(calendar=calendar, date=day).values_list("kind", flat=True).first()

    reason = aw.outside_window(at, days=clauses.appointment_days or [], hours=clauses.appointment_hours,
                               time_zone=time_zone, skip_holidays=clauses.appointment_skip_holidays,
                               day_kind=day_kind)
    if reason is None:
        return None
    local = at.astimezone(ZoneInfo(time_zone))
    why = {aw.WEEKDAY: _("%(day)s is not a day of the window") % {"day": dict(WEEKDAYS)[local.isoweekday()]},
           aw.HOURS: _("%(time)s is outside the window's hours") % {"time": local.strftime("%H:%M")},
           aw.HOLIDAY: _("%(date)s is a holiday") % {"date": local.date().isoformat()}}[reason]
    values = {"when": local.strftime("%Y-%m-%d %H:%M"), "window": describe_window(clauses), "why": why}
    if clauses.appointment_window == WindowMode.REFUSE:
        message = _("The appointment %(when)s is outside the contract's working window (%(window)s): %(why)s. "
                    "Choose another time (appointment).") % values
    else:
        message = _("The appointment %(when)s is outside the contract's working window (%(window)s): %(why)s. "
                    "Booked as agreed with the customer.") % values
    return Verdict(mode=clauses.appointment_window, reason=reason, message=message)
