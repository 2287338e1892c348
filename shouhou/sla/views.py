"""Pages of the SLA app: plan templates, calendars, clock explanations, due list, compliance."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.accounts import permissions
from shouhou.accounts.permissions import may, require
from shouhou.contracts.models import Contract
from shouhou.core import audit
from shouhou.core.errors import ServiceError
from shouhou.core.hooks import Section
from shouhou.core.params import int_param
from shouhou.tickets.models import Ticket

from .choices import ClockState
from .filters import ServicePlanFilter
from .forms import CalendarDayForm, CalendarImportForm, CreatePlanForm, MilestoneForm, NoticeForm
from .models import Clock, LoanerTask, ServicePlan, WorkingCalendar
from .reports import breaching_soon, contract_compliance, explain_payload
from .services import (
    close_loaner_task,
    create_plan_from_template,
    expiring_calendars,
    import_calendar_days,
    record_milestone,
    save_calendar_day,
    void_loaner_task,
)
from .services.calendars import WARN_DAYS, delete_calendar_day, file_rows
from .services.editor import is_editable
from .services.plans import can_manage_plans
from .services.schedules import can_edit_calendars, enter_notice, notice_preview, read_notice

DUE_LIST_ROWS = 500


def _decorate(clocks, now):
    """Remaining time (running) or margin (stopped) in seconds, for the templates."""
    for clock in clocks:
        clock.remaining_seconds = (clock.due_at - now).total_seconds() if clock.due_at and clock.is_open else None
        clock.spare_seconds = ((clock.due_at - clock.stopped_at).total_seconds()
                               if clock.due_at and clock.stopped_at and clock.state == ClockState.MET else None)
        if clock.state == ClockState.BREACHED and clock.stopped_at is None and clock.due_at:
            clock.late_seconds = (now - clock.due_at).total_seconds()
    return clocks


def clocks_section(user, ticket):
    """The clocks panel on the ticket detail page (order 10): due, remaining, met/breached by how much."""
    now = timezone.now()
    clocks = _decorate(list(Clock.objects.filter(ticket=ticket).select_related("target", "calendar").order_by("due_at", "id")),
                       now)
    loaners = list(LoanerTask.objects.filter(ticket=ticket))
    can_record = may(user, "ticket.record_clock", ticket)
    return Section(title=_("Service clocks"), template="sla/_clocks_section.html", order=10,
                   context={"clocks": clocks, "ticket": ticket, "loaners": loaners,
                            "can_close_loaners": may(user, "ticket.close_loaner", ticket),
                            "can_void_loaners": may(user, "ticket.desk_actions", ticket),
                            "milestone_form": MilestoneForm() if can_record else None})


def calendar_expiry_panel(user):
    """Dashboard panel (core.hooks.register_dashboard): working calendars whose statutory holiday
    data runs out within WARN_DAYS (issue 3: admins are warned well before).  Internal staff only."""
    if permissions.scope_of(user, "plan.view") != permissions.ALL:
        return None
    expiring = expiring_calendars(timezone.localdate())
    if not expiring:
        return None
    return Section(title=_("Working calendars"), template="sla/_dashboard_expiry.html", order=5,
                   context={"expiring": expiring})


def _staff(request):
    require(request.user, "plan.view")


@login_required
def plan_list(request):
    _staff(request)
    qs = ServicePlan.objects.visible_to(request.user).select_related("contract")
    flt = ServicePlanFilter(request.GET, queryset=qs)
    return render(request, "sla/plan_list.html", {"filter": flt, "plans": flt.qs.prefetch_related("targets"),
                                                  "can_edit": may(request.user, "plan.edit")})


@login_required
def plan_detail(request, pk):
    _staff(request)
    plan = get_object_or_404(ServicePlan.objects.visible_to(request.user).select_related("contract", "calendar"),
                             pk=pk)
    form = CreatePlanForm(user=request.user) if plan.is_template and can_manage_plans(request.user) else None
    return render(request, "sla/plan_detail.html", {
        "plan": plan, "targets": plan.targets.select_related("calendar"),
        "escalations": plan.escalations.select_related("target"), "form": form,
        "can_edit": may(request.user, "plan.edit"), "editable": is_editable(plan),
        "versions": ServicePlan.objects.filter(Q(pk=plan.head.pk) | Q(line_id=plan.head.pk)).order_by("revision"),
        "sections": [audit.section(request, plan)]})


@login_required
@require_POST
def plan_create(request, pk):
    """Create a contract's plan from the template `pk`."""
    template = get_object_or_404(ServicePlan.objects.visible_to(request.user), pk=pk, is_template=True)
    form = CreatePlanForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            plan = create_plan_from_template(request.user, template, form.cleaned_data["contract"],
                                             name=form.cleaned_data["name"])
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Service plan created."))
            return redirect("sla:plan_detail", plan.pk)
    return render(request, "sla/plan_detail.html", {
        "plan": template, "targets": template.targets.all(), "escalations": template.escalations.all(), "form": form},
        status=400)


@login_required
def calendar_list(request):
    calendars = WorkingCalendar.objects.visible_to(request.user).order_by("code")
    today = timezone.localdate()
    rows = [(cal, cal.days_left(today)) for cal in calendars]
    return render(request, "sla/calendar_list.html", {"rows": rows, "warn_days": WARN_DAYS,
                                                      "expiring": expiring_calendars(today)})


@login_required
def calendar_detail(request, pk):
    calendar = get_object_or_404(WorkingCalendar.objects.visible_to(request.user), pk=pk)
    today = timezone.localdate()
    year = int_param(request.GET, "year", today.year, minimum=1900, maximum=2100)
    is_admin = may(request.user, "calendar.change")
    day_form, import_form = CalendarDayForm(), CalendarImportForm()
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        try:
            if "file" in request.FILES:
                import_form = CalendarImportForm(request.POST, request.FILES)
                if import_form.is_valid():
                    upload = import_form.cleaned_data["file"]
                    result = import_calendar_days(request.user, calendar, rows=file_rows(upload.name, upload.read()))
                    messages.success(request, _("%(n)s days imported.") % {"n": result["imported"]})
                    return redirect("sla:calendar_detail", calendar.pk)
            else:
                day_form = CalendarDayForm(request.POST)
                if day_form.is_valid():
                    d = day_form.cleaned_data
                    save_calendar_day(request.user, calendar, day=d["date"], kind=d["kind"], name=d["name"],
                                      hours=d["hours"])
                    messages.success(request, _("Calendar day saved."))
                    return redirect(f"{request.path}?year={d['date'].year}")
        except ServiceError as exc:
            (import_form if "file" in request.FILES else day_form).add_error(None, exc.message)
    return render(request, "sla/calendar_detail.html", {
        **_calendar_context(calendar, year, today), "is_admin": is_admin, "day_form": day_form,
        "import_form": import_form, "notice_form": NoticeForm(initial={"year": _next_year(calendar, today)}),
        "sections": [audit.section(request, calendar)]})


WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


def _next_year(calendar, today) -> int:
    return calendar.known_until.year + 1 if calendar.known_until else today.year + 1


def _calendar_context(calendar, year, today) -> dict:
    """One year's days (a year at a time keeps the page small, issue 8) and the calendar's state."""
    years = sorted({d.year for d in calendar.days.dates("date", "year")} | {today.year})
    days = list(calendar.days.filter(date__year=year).order_by("date"))
    for day in days:
        day.weekday_name = WEEKDAYS[day.date.weekday()]
    return {"calendar": calendar, "days": days, "year": year, "years": years,
            "provisional_years": calendar.provisional_years(), "year_provisional": calendar.is_provisional_on(
                date(year, 1, 1)) if calendar.statutory else False,
            "days_left": calendar.days_left(today), "warn_days": WARN_DAYS,
            "week": list(zip(WEEKDAYS, calendar.week, strict=False))}


def _calendar_admin(request, pk):
    calendar = get_object_or_404(WorkingCalendar.objects.visible_to(request.user), pk=pk)
    if not can_edit_calendars(request.user):
        raise PermissionDenied
    return calendar


@login_required
def calendar_notice(request, pk):
    """Paste the State Council's notice: preview what will be saved, then save (issue 8)."""
    calendar = _calendar_admin(request, pk)
    today = timezone.localdate()
    form = NoticeForm(request.POST or None, initial={"year": _next_year(calendar, today)})
    preview = None
    if request.method == "POST" and form.is_valid():
        text, year = form.cleaned_data["text"], form.cleaned_data["year"]
        try:
            if request.POST.get("confirm"):
                result = enter_notice(request.user, calendar, text, year)
                messages.success(request, _("%(year)s holidays saved: %(days)s days; %(changed)s clocks recomputed.") % {
                    "year": result["year"], "days": result["days"], "changed": result["recompute"]["changed"]})
                return redirect(f"{reverse('sla:calendar_detail', args=[calendar.pk])}?year={result['year']}")
            preview = notice_preview(calendar, read_notice(text, year))
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "sla/calendar_notice.html", {"calendar": calendar, "form": form, "preview": preview})


@login_required
@require_POST
def calendar_day_delete(request, pk):
    """Remove one dated exception from the year table."""
    calendar = _calendar_admin(request, pk)
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError as exc:
        raise Http404 from exc
    delete_calendar_day(request.user, calendar, day)
    messages.success(request, _("Calendar day removed."))
    return redirect(f"{reverse('sla:calendar_detail', args=[calendar.pk])}?year={day.year}")


@login_required
def clock_explain(request, pk):
    clock = get_object_or_404(Clock.objects.visible_to(request.user).select_related("ticket", "target__plan", "calendar"),
                              pk=pk)
    return render(request, "sla/clock_explain.html", {"clock": clock, "x": explain_payload(clock)})


@login_required
def due_list(request):
    """Two lists, never mixed (issue 10): what is already breached and still open (the newest
    breach first), and what falls due within the next hour (the soonest first)."""
    now = timezone.now()
    clocks = _decorate(list(breaching_soon(request.user, timedelta(hours=1), now)[:DUE_LIST_ROWS]), now)
    breached = [c for c in clocks if c.state == ClockState.BREACHED or (c.due_at and c.due_at < now)]
    soon = [c for c in clocks if c not in breached]
    breached.sort(key=lambda c: c.due_at or now, reverse=True)
    for clock in breached:
        clock.late_seconds = (now - clock.due_at).total_seconds() if clock.due_at else None
    return render(request, "sla/due_list.html", {"breached": breached, "soon": soon, "clocks": clocks})


@login_required
def compliance(request):
    _staff(request)
    contracts = Contract.objects.visible_to(request.user).order_by("number")
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    contract, report = None, None
    if request.GET.get("contract"):
        contract = get_object_or_404(contracts, pk=int_param(request.GET, "contract"))
        try:
            report = contract_compliance(contract, month)
        except ValueError as exc:
            raise Http404 from exc
    return render(request, "sla/compliance.html", {"contracts": contracts, "contract": contract, "month": month,
                                                   "report": report})


@login_required
@require_POST
def milestone(request, ticket_pk):
    """Record a clock event by hand (called back, solution proposed, loaner provided …)."""
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user), pk=ticket_pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        at = form.cleaned_data["at"]
        try:
            record_milestone(request.user, ticket, form.cleaned_data["event"], at=at, note=form.cleaned_data["note"])
            messages.success(request, _("Recorded."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "; ".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
    return redirect("tickets:detail", ticket.pk)


@login_required
@require_POST
def loaner_close(request, pk):
    """Close a loaner task from the ticket page: the unit was provided (P5.5, P13.2), or not needed."""
    task = get_object_or_404(LoanerTask.objects.filter(ticket__in=Ticket.objects.visible_to(request.user)), pk=pk)
    try:
        close_loaner_task(request.user, task, provided=request.POST.get("provided") == "1",
                          note=request.POST.get("note", "").strip())
        messages.success(request, _("Loaner task closed."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("tickets:detail", task.ticket_id)


@login_required
@require_POST
def loaner_void(request, pk):
    """Void a loaner task opened in error, with a reason; it stays on the page as voided (P13.9)."""
    task = get_object_or_404(LoanerTask.objects.filter(ticket__in=Ticket.objects.visible_to(request.user)), pk=pk)
    try:
        void_loaner_task(request.user, task, reason=request.POST.get("reason", ""))
        messages.success(request, _("Loaner task voided."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("tickets:detail", task.ticket_id)
