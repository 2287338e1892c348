"""The roster pages (P2.2, P14.11): the week (days × shifts) with who is on duty now and the coverage
gaps ahead; shift and pattern forms for the service managers; the dashboard panel.

Shifts come from `DutyShift.objects.visible_to(user)` (an engineer sees his own duty); editing
needs "roster.edit" (roster.services refuses otherwise)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.accounts import permissions
from shouhou.accounts.permissions import may, require
from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.core.hooks import Section

from . import services
from .forms import PatternForm, ShiftForm
from .models import WEEKDAYS, DutyPattern, DutyShift

GAP_ROWS = 10


def _week_start(request) -> date:
    day = parse_date(request.GET.get("week") or "") or timezone.localdate()
    return day - timedelta(days=day.weekday())


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, services.local_zone())


def week_grid(shifts, monday: date) -> tuple[list[str], list[dict]]:
    """Columns: the distinct shift times of the week ("08:00–16:00"); rows: the seven days, each cell
    the shifts starting that day at that time."""
    def slot(shift):
        a, b = _local(shift.starts_at), _local(shift.ends_at)
        end = "24:00" if b.date() > a.date() and b.time() == datetime.min.time() else f"{b:%H:%M}"
        return (f"{a:%H:%M}", end)

    slots = sorted({slot(s) for s in shifts})
    names = dict(WEEKDAYS)
    rows = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        cells = {key: [] for key in slots}
        for shift in shifts:
            if _local(shift.starts_at).date() == day:
                cells[slot(shift)].append(shift)
        rows.append({"day": day, "weekday": names[day.weekday()], "cells": [cells[key] for key in slots],
                     "today": day == timezone.localdate()})
    return [f"{a}–{b}" for a, b in slots], rows


@login_required
def roster(request):
    """The duty roster of one week (?week=YYYY-MM-DD, any day of it)."""
    user = request.user
    require(user, "roster.view")
    monday = _week_start(request)
    tz = services.local_zone()
    start = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
    end = start + timedelta(days=7)
    shifts = list(services.shifts_between(start, end).filter(pk__in=DutyShift.objects.visible_to(user).values("pk")))
    columns, rows = week_grid(shifts, monday)
    now = timezone.now()
    week_gaps = services.gaps_between(max(now, start), end)
    for row in rows:
        row["gaps"] = [g for g in week_gaps if _local(g.start).date() == row["day"]]
    everyone = permissions.scope_of(user, "roster.view") == permissions.ALL
    context = {
        "monday": monday, "sunday": monday + timedelta(days=6), "columns": columns, "rows": rows,
        "previous": (monday - timedelta(days=7)).isoformat(), "next": (monday + timedelta(days=7)).isoformat(),
        "this_week": timezone.localdate() - timedelta(days=timezone.localdate().weekday()) == monday,
        "gaps": services.coverage_gaps()[:GAP_ROWS * 3],
        "check_days": services.CHECK_DAYS,
        "on_duty": [s for s in services.on_duty_now() if everyone or s in shifts],
        "can_edit": may(user, "roster.edit"),
        "patterns": list(DutyPattern.objects.visible_to(user).select_related("engineer", "team", "zone", "contract")),
    }
    return render(request, "dispatch/roster/week.html", context)


def _form_error(form, error) -> None:
    if isinstance(error, PermissionDeniedError):
        raise PermissionDenied(str(error.message)) from error
    if isinstance(error, ValidationError):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _page(request, form, title, submit, delete_url=None):
    return render(request, "dispatch/roster/form.html",
                  {"form": form, "title": title, "submit": submit, "delete_url": delete_url})


def _back(shift_or_day) -> str:
    day = shift_or_day if isinstance(shift_or_day, date) else _local(shift_or_day.starts_at).date()
    return f"{reverse('dispatch:roster')}?week={day.isoformat()}"


def _save_shift(request, shift: DutyShift | None):
    require(request.user, "roster.edit")
    initial = {}
    if shift is not None:
        initial = {"engineer": shift.engineer_id, "team": shift.team_id, "zone": shift.zone_id,
                   "contract": shift.contract_id, "starts_at": _local(shift.starts_at),
                   "ends_at": _local(shift.ends_at), "note": shift.note}
    form = ShiftForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            saved = services.save_shift(request.user, shift, data, reason=reason)
        except (ServiceError, ValidationError) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Duty shift saved."))
            return redirect(_back(saved))
    delete_url = reverse("dispatch:roster_shift_delete", args=[shift.pk]) if shift else None
    return _page(request, form, _("Edit duty shift") if shift else _("New duty shift"), _("Save"), delete_url)


@login_required
def shift_create(request):
    return _save_shift(request, None)


@login_required
def shift_edit(request, pk):
    return _save_shift(request, get_object_or_404(DutyShift.objects.visible_to(request.user), pk=pk))


@login_required
@require_POST
def shift_delete(request, pk):
    shift = get_object_or_404(DutyShift.objects.visible_to(request.user), pk=pk)
    back = _back(shift)
    try:
        services.delete_shift(request.user, shift, reason=request.POST.get("reason", ""))
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error.message)) from error
    messages.success(request, _("Duty shift removed."))
    return redirect(back)


def _save_pattern(request, pattern: DutyPattern | None):
    require(request.user, "roster.edit")
    initial = {"valid_from": timezone.localdate(), "active": True}
    if pattern is not None:
        initial = {name: getattr(pattern, name) for name in ("name", "weekdays", "start_time", "end_time",
                                                             "valid_from", "valid_until", "active")}
        initial.update(engineer=pattern.engineer_id, team=pattern.team_id, zone=pattern.zone_id,
                       contract=pattern.contract_id)
    form = PatternForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            services.save_pattern(request.user, pattern, data, reason=reason)
        except (ServiceError, ValidationError) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Duty pattern saved; its shifts are planned %(days)s days ahead.")
                             % {"days": services.HORIZON_DAYS})
            return redirect("dispatch:roster")
    return _page(request, form, _("Edit duty pattern") if pattern else _("New weekly duty pattern"), _("Save"))


@login_required
def pattern_create(request):
    return _save_pattern(request, None)


@login_required
def pattern_edit(request, pk):
    return _save_pattern(request, get_object_or_404(DutyPattern.objects.visible_to(request.user), pk=pk))


def dashboard_panel(user):
    """Dashboard panel (core.hooks.register_dashboard) for those who keep the roster (service managers,
    dispatchers): who is on duty now and the coverage gaps of the next days, before they happen
    (P2.2, P14.11).  The desk and engineers read the roster page instead."""
    if not may(user, "roster.edit"):
        return None
    gaps = services.coverage_gaps()
    on_duty = services.on_duty_now()
    if not gaps and not on_duty:
        return None
    return Section(title=_("Duty roster"), template="dispatch/roster/_dashboard.html", order=4,
                   context={"gaps": gaps[:GAP_ROWS], "more": max(0, len(gaps) - GAP_ROWS), "on_duty": on_duty,
                            "check_days": services.CHECK_DAYS})
