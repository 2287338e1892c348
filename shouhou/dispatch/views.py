"""Dispatch pages: the engineer's phone view (my jobs) and the visit steps, the desk's assignment
form, the customer's confirmation, visit records and fault reports.

Views validate and call services; every object comes from `visible_to(user)` (out of scope: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.accounts import permissions
from shouhou.accounts.permissions import may, require
from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError
from shouhou.core.web import filtered_page
from shouhou.sla.choices import PHONE_MILESTONES, ClockEvent
from shouhou.sla.services import record_milestone
from shouhou.tickets.choices import OPEN_STATES, EventKind
from shouhou.tickets.models import Ticket, TicketEvent, jobs_q
from shouhou.tickets.services import actor_kinds, allowed_transitions, transition_ticket
from shouhou.tickets.views import stale_message

from . import forms, services
from .filters import VisitFilter
from .models import FaultReport, SignatureMethod, Visit, VisitAmendment
from .roster import services as roster_services
from .signature import decode_signature

MY_JOBS_LIMIT = 100
VISITS_PAGE = 50
# Ticket steps that the my-jobs page performs with one tap (no form needed).
ONE_TAP = ("start_travel", "arrive")


def ticket_url(ticket) -> str:
    """The ticket's detail page (tickets app); the job list when that page is not installed."""
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        return reverse("dispatch:my_jobs")


def _back(request, ticket):
    """Field staff go back to their job list; the desk to the ticket."""
    if may(request.user, "ticket.field_actions"):
        return redirect("dispatch:my_jobs")
    return redirect(ticket_url(ticket))


def _form_error(form, exc: ServiceError):
    """Show a service refusal on the field it names (form_fields.html prints it with its label)."""
    if isinstance(exc, PermissionDeniedError):
        raise PermissionDenied(str(exc.message)) from exc
    field = form.fields.get(exc.field) if exc.field else None
    # Hidden inputs (signature, version) have no place to show an error: show it above the form.
    form.add_error(exc.field if field is not None and not field.widget.is_hidden else None, str(exc.message))


def _scoped_ticket(request, pk):
    return get_object_or_404(Ticket.objects.visible_to(request.user).select_related("customer"), pk=pk)


def _scoped_visit(request, pk):
    return get_object_or_404(
        Visit.objects.visible_to(request.user).select_related("ticket__customer", "engineer", "signer_user"), pk=pk
    )


def _milestones(ticket, user, recorded):
    """The job card's milestone buttons: (event, label, when it was last recorded or None)."""
    if not may(user, "ticket.record_clock", ticket):
        return []
    return [(e.value, e.label, recorded.get((ticket.pk, e.value))) for e in PHONE_MILESTONES]


def _job(ticket, user, recorded=None):
    """What the my-jobs card of `ticket` offers `user`: the current visit and the buttons."""
    allowed = {t.action: t for t in allowed_transitions(ticket, user)}
    visit = next((v for v in ticket.visit_list if not v.is_signed and not v.is_void), None)
    return {
        "ticket": ticket,
        "visit": visit,
        "last_visit": ticket.visit_list[0] if ticket.visit_list else None,
        "can_book": "book_appointment" in allowed,
        "one_tap": [allowed[a] for a in ONE_TAP if a in allowed],
        "can_leave": visit is not None and visit.arrived_at is not None and visit.left_at is None,
        "can_sign": visit is not None and visit.left_at is not None,
        "can_resolve": "resolve" in allowed,
        "milestones": _milestones(ticket, user, recorded or {}),
    }


@login_required
def my_jobs(request):
    """My open jobs, the next appointment first, then by severity (phone-first)."""
    user = request.user
    tickets = Ticket.objects.visible_to(user).filter(status__in=OPEN_STATES).filter(jobs_q(user, permissions.OWN))
    next_appointment = Visit.objects.filter(ticket=OuterRef("pk")).open().order_by("-created_at", "-id")
    tickets = (
        tickets.annotate(next_appointment=Subquery(next_appointment.values("appointment_at")[:1]))
        .select_related("customer", "site", "asset")
        .prefetch_related(Prefetch("visits", Visit.objects.order_by("-created_at", "-id"), to_attr="visit_list"))
        .order_by(F("next_appointment").asc(nulls_last=True), "severity", "created_at", "id")[:MY_JOBS_LIMIT]
    )
    tickets = list(tickets)
    recorded = {}  # (ticket, milestone) → when last recorded, in one query for the page
    for row in (TicketEvent.objects.filter(ticket_id__in=[t.pk for t in tickets], kind=EventKind.MILESTONE)
                .order_by("created_at", "id").values("ticket_id", "data", "created_at")):
        data = row["data"] or {}
        recorded[(row["ticket_id"], data.get("sla_event"))] = parse_datetime(data.get("at") or "") or row["created_at"]
    jobs = [_job(ticket, user, recorded) for ticket in tickets]
    return render(request, "dispatch/my_jobs.html", {"jobs": jobs})


@login_required
@require_POST
def job_step(request, ticket_id, action):
    """One-tap steps of the job card: set off, arrive (through the same services as the API)."""
    ticket = _scoped_ticket(request, ticket_id)
    step = {"start_travel": services.start_travel, "arrive": services.record_arrival}.get(action)
    if step is None:
        raise Http404
    try:
        visit = step(request.user, ticket, expected_version=_int(request.POST.get("version")))
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except ConflictError:
        ticket.refresh_from_db()
        messages.error(request, stale_message(ticket))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        when = timezone.localtime((visit.arrived_at if action == "arrive" else visit.departed_at) or timezone.now())
        done = _("%(number)s: you set off at %(time)s.") if action == "start_travel" else _(
            "%(number)s: arrival on site recorded at %(time)s.")
        messages.success(request, done % {"number": ticket.number, "time": f"{when:%H:%M}"})
    return _back(request, ticket)



def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _form_page(request, form, *, title, ticket=None, visit=None, submit=None, intro=""):
    return render(request, "dispatch/form_page.html", {
        "form": form, "title": title, "ticket": ticket, "visit": visit, "submit": submit or _("Save"),
        "intro": intro,
    })


@login_required
def assign(request, ticket_id):
    """The desk assigns an engineer or a dealer (reassigning allowed)."""
    ticket = _scoped_ticket(request, ticket_id)
    if "desk" not in actor_kinds(ticket, request.user):
        raise PermissionDenied
    on_duty = roster_services.engineers_on_duty()
    suggested = ticket.assignee_id or suggest_on_duty(ticket, on_duty)
    form = forms.AssignForm(request.POST or None, on_duty=on_duty, initial={
        "engineer": suggested, "dealer": ticket.assigned_dealer_id, "version": ticket.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assign_ticket(request.user, ticket, engineer=data["engineer"], dealer=data["dealer"],
                                   expected_version=data["version"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Assigned."))
            return redirect(ticket_url(ticket))
    intro = _("On duty now: %(names)s") % {"names": "、".join(
        f"{shift.engineer.display_name if shift.engineer_id else shift.team}（{shift.where}）"
        for shift in {id(s): s for s in on_duty.values()}.values())} if on_duty else _("Nobody is on duty right now.")
    return _form_page(request, form, title=_("Assign"), ticket=ticket, submit=_("Assign"), intro=intro)


def suggest_on_duty(ticket, on_duty: dict) -> int | None:
    """The engineer to suggest for an unassigned request: one on duty now whose shift answers for the
    request's zone and contract (a shift for every zone and contract answers for all)."""
    zone = ticket.site.zone_id if ticket.site_id else None
    for engineer_id, shift in sorted(on_duty.items()):
        if (shift.zone_id is None or shift.zone_id == zone) and shift.contract_id in (None, ticket.contract_id):
            return engineer_id
    return None


@login_required
def milestone(request, ticket_id, event):
    """A milestone from the job card, confirmed on its own page (optionally back-dated, with a
    note): customer contacted, solution proposed, parts ordered, parts on site, followed up.
    Which clock it stops is the plan's (sla: named events, clause accept_is_contact)."""
    ticket = _scoped_ticket(request, ticket_id)
    if event not in PHONE_MILESTONES:
        raise Http404
    require(request.user, "ticket.record_clock", ticket, _("Only service staff record clock events."))
    label = ClockEvent(event).label
    form = forms.MilestoneForm(request.POST or None, initial={"version": ticket.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_milestone(request.user, ticket, event, at=data["at"], note=data["note"],
                             expected_version=data["version"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Recorded: %(milestone)s.") % {"milestone": label})
            return _back(request, ticket)
    return _form_page(request, form, title=_("Record: %(milestone)s") % {"milestone": label}, ticket=ticket,
                      submit=_("Confirm"), intro=_("This is recorded on the request's timeline and counts for its "
                                                   "service clocks."))


@login_required
def appointment(request, ticket_id):
    """P10.3: the engineer accepts the job by booking a time agreed with the customer."""
    ticket = _scoped_ticket(request, ticket_id)
    visit = services.open_visit(ticket)
    form = forms.AppointmentForm(request.POST or None, initial={
        "version": ticket.version, "appointment_at": visit.appointment_at if visit else None,
        "note": visit.appointment_note if visit else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.book_appointment(request.user, ticket, data["appointment_at"], data["note"],
                                              expected_version=data["version"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            if visit.appointment_warning:  # booked outside the plan's working window, "warn" mode (issue 8)
                messages.warning(request, visit.appointment_warning)
            messages.success(request, _("Appointment booked."))
            return _back(request, ticket)
    return _form_page(request, form, title=_("Book a time with the customer"), ticket=ticket,
                      submit=_("Book appointment"))


@login_required
def resolve(request, ticket_id):
    """The assignee (or desk) resolves the request with a resolution text."""
    ticket = _scoped_ticket(request, ticket_id)
    form = forms.ResolveForm(request.POST or None, initial={"version": ticket.version,
                                                            "resolution": ticket.resolution})
    if request.method == "POST" and form.is_valid():
        try:
            transition_ticket(ticket, request.user, "resolve", resolution=form.cleaned_data["resolution"],
                              expected_version=form.cleaned_data["version"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Resolved."))
            return _back(request, ticket)
    return _form_page(request, form, title=_("Resolve"), ticket=ticket, submit=_("Resolve"))


@login_required
def leave(request, pk):
    """Leave the site: work done and parts used, stamped with the leaving time."""
    visit = _scoped_visit(request, pk)
    form = forms.LeaveForm(request.POST or None, initial={"work_done": visit.work_done,
                                                          "parts_used": visit.parts_used})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_departure(request.user, visit, form.cleaned_data["work_done"],
                                      form.cleaned_data["parts_used"], form.cleaned_data["customer_consent"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            return redirect("dispatch:sign", pk=visit.pk)
    return _form_page(request, form, title=_("Work done and parts used"), ticket=visit.ticket, visit=visit,
                      submit=_("Leave the site"))


@login_required
def sign(request, pk):
    """P10.4: the customer signs on the engineer's screen (a canvas pad posting a PNG data URL)."""
    visit = _scoped_visit(request, pk)
    if not actor_kinds(visit.ticket, request.user) & {"assignee", "desk"}:
        raise PermissionDenied
    if visit.is_signed:
        return redirect("dispatch:visit", pk=visit.pk)
    form = forms.SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            png = decode_signature(form.cleaned_data["signature"])
            services.sign_visit(request.user, visit, SignatureMethod.DRAWN, form.cleaned_data["signer_name"], png)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The visit record is signed."))
            return redirect("dispatch:visit", pk=visit.pk)
    return render(request, "dispatch/sign.html", {"form": form, "visit": visit, "ticket": visit.ticket})


@login_required
def confirm(request, pk):
    """P10.4: the customer confirms the visit record from their own account."""
    visit = _scoped_visit(request, pk)
    if "customer" not in actor_kinds(visit.ticket, request.user):
        raise PermissionDenied
    if visit.is_signed:
        return redirect("dispatch:visit", pk=visit.pk)
    form = forms.ConfirmForm(request.POST or None, initial={"signer_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_visit(request.user, visit, SignatureMethod.ACCOUNT, form.cleaned_data["signer_name"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you: you confirmed the visit record."))
            return redirect("dispatch:visit", pk=visit.pk)
    return render(request, "dispatch/confirm.html", {"form": form, "visit": visit, "ticket": visit.ticket})


@login_required
def visit_detail(request, pk):
    """The visit record as signed, its signature and its amendments (P12.3)."""
    visit = _scoped_visit(request, pk)
    amendments = list(VisitAmendment.objects.filter(visit=visit).select_related("author"))
    kinds = actor_kinds(visit.ticket, request.user)
    return render(request, "dispatch/visit_detail.html", {
        "visit": visit, "ticket": visit.ticket, "amendments": amendments,
        "amended": visit.amended_values(amendments) if amendments else None,
        "can_amend": visit.is_signed and bool(kinds & {"assignee", "desk"}),
        "can_sign": not visit.is_signed and not visit.is_void and visit.left_at is not None and bool(kinds & {"assignee", "desk"}),
        "can_confirm": not visit.is_signed and not visit.is_void and visit.left_at is not None and "customer" in kinds,
    })


@login_required
def signature(request, pk):
    """The signature image, only for users who may see the visit (never a bare media URL)."""
    visit = _scoped_visit(request, pk)
    if not visit.signature_image:
        raise Http404
    response = FileResponse(visit.signature_image.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def amend(request, pk):
    """Correct a signed record by an amendment with a reason; the signed original stays (P12.3)."""
    visit = _scoped_visit(request, pk)
    current = visit.amended_values()
    initial = {name: current[name] for name in ("work_done", "parts_used")}
    for name in ("arrived_at", "left_at"):
        # datetime-local has minute precision: compare like with like so untouched fields stay unchanged.
        initial[name] = current[name].replace(second=0, microsecond=0) if current[name] else None
    form = forms.AmendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_visit(request.user, visit, form.cleaned_data["reason"], **form.changes())
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The amendment is recorded."))
            return redirect("dispatch:visit", pk=visit.pk)
    return _form_page(request, form, title=_("Amend the visit record"), ticket=visit.ticket, visit=visit,
                      submit=_("Record the amendment"),
                      intro=_("The signed record is kept unchanged; this correction is added with your reason."))


@login_required
def fault_report(request, ticket_id):
    """P5.4: a fault analysis report (cause, fix, prevention) on the ticket."""
    ticket = _scoped_ticket(request, ticket_id)
    require(request.user, "ticket.fault_report", ticket)
    form = forms.FaultReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.write_fault_report(request.user, ticket, data["cause"], data["fix"], data["prevention"],
                                        data["shared_with_customer"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The fault analysis report is saved."))
            return _back(request, ticket)
    reports = FaultReport.objects.visible_to(request.user).filter(ticket=ticket).select_related("author")
    return render(request, "dispatch/fault_report.html", {"form": form, "ticket": ticket, "reports": reports})


@login_required
def visit_list(request):
    """All visits the user may see, filtered with the same FilterSet as the API."""
    qs = Visit.objects.visible_to(request.user).select_related("ticket", "engineer").order_by("-created_at", "-id")
    context = filtered_page(request, VisitFilter, qs, page_size=VISITS_PAGE)
    return render(request, "dispatch/visit_list.html", {**context, "visits": context["rows"]})


@login_required
@require_POST
def visit_void(request, pk):
    """Void an unsigned visit record made in error, with a reason (P13.9); a signed one is refused
    (corrections to it are amendments, P12.3)."""
    from shouhou.tickets.views import void_record

    return void_record(request, _scoped_visit(request, pk), services.void_visit, _("Visit record voided."))
