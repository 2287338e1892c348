"""Pages of service requests: dashboard, list, report form, detail with its actions.

Views validate input and call tickets.services; every ticket and attachment is looked up
through `visible_to(request.user)`, so anything out of scope is a 404.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.accounts import permissions
from shouhou.accounts.permissions import may, require
from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError
from shouhou.core.hooks import dashboard_sections, history_for, promises_for

from . import services, workflow
from .api import attachment_response
from .choices import OPEN_STATES
from .filters import TicketFilter
from .forms import (
    ActionForm,
    AttachmentForm,
    CommentForm,
    NotRepeatForm,
    TicketEditForm,
    TicketReportForm,
    VerifyForm,
    VoidForm,
    apply_service_error,
)
from .models import Attachment, Ticket, TicketEvent, jobs_q
from .pagination import CappedCountPaginator
from .serializers import LIST_COLUMNS, LIST_RELATED
from .severity import active_levels

DASHBOARD_ROWS = 10
DUE_SOON = timedelta(hours=1)  # the dashboard's "breaching within the next hour" (issue 3)


def _list_queryset(user):
    return Ticket.objects.visible_to(user).select_related(*LIST_RELATED).only(*LIST_COLUMNS)


@login_required
def dashboard(request):
    """My queue, unassigned open requests, open counts by severity, unverified reports;
    customer users see their own open requests."""
    user = request.user
    open_qs = _list_queryset(user).filter(status__in=OPEN_STATES)
    is_customer = may(user, "ticket.customer_actions")
    context = {"is_customer": is_customer, "open_states": sorted(OPEN_STATES)}
    if is_customer:
        context["my_open"] = list(open_qs[:DASHBOARD_ROWS * 2])
    else:
        context["my_queue"] = list(open_qs.filter(jobs_q(user, permissions.OWN))[:DASHBOARD_ROWS * 2])
        context["unassigned"] = list(open_qs.filter(assignee__isnull=True, assigned_dealer__isnull=True)[:DASHBOARD_ROWS])
        context["unverified"] = list(open_qs.filter(unverified=True)[:DASHBOARD_ROWS])
        # From the derived next_due_at column (partial index), whatever the status (report and
        # follow-up clocks run after resolution).  Two cards, never mixed (issue 10): what falls due
        # within the hour, soonest first; what is already breached, the newest breach first.
        now = timezone.now()
        context["due_soon"] = list(_list_queryset(user).filter(next_due_at__gte=now, next_due_at__lte=now + DUE_SOON)
                                   .order_by("next_due_at", "id")[:DASHBOARD_ROWS])
        context["breached"] = list(_list_queryset(user).filter(next_due_at__lt=now)
                                   .order_by("-next_due_at", "-id")[:DASHBOARD_ROWS])
    counts = dict(Ticket.objects.visible_to(user).filter(status__in=OPEN_STATES).order_by()
                  .values_list("severity").annotate(n=Count("id")))
    context["by_severity"] = [(level, counts.get(level.value, 0)) for level in active_levels()]
    context["sections"] = dashboard_sections(user)
    return render(request, "tickets/dashboard.html", context)


@login_required
def ticket_list(request):
    """The filtered list; the FilterSet is the API's; the count is capped (tickets.pagination)."""
    filterset = TicketFilter(request.GET or None, queryset=_list_queryset(request.user), request=request)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset.order_by("-created_at", "-id")
    paginator = CappedCountPaginator(qs, 25)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tickets/list.html", {
        "filter": filterset, "page": page, "paginator": paginator, "query": query.urlencode(),
    })


@login_required
def ticket_create(request):
    """'Report a fault': desk and customer users.  Redirects to the new request's page."""
    user = request.user
    require(user, "ticket.open")
    form = TicketReportForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data.get("attachments") or []
        for upload in files:  # refuse a bad file before anything is saved
            try:
                services.validate_attachment(upload)
            except ServiceError as error:
                form.add_error("attachments", str(error.message))
        ticket = None
        if form.is_valid():
            try:
                ticket = services.open_ticket(user, **form.service_kwargs())
            except ServiceError as error:  # e.g. a report-received time out of bounds (issue 8)
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
        if ticket is not None:
            for upload in files:
                services.add_attachment(user, ticket, upload)
            messages.success(request, registered_message(ticket))
            return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "tickets/create.html", {"form": form}, status=400 if form.errors else 200)


def registered_message(ticket) -> str:
    """The success message after a report: its number and the times promised (issue 3, intake)."""
    promises = promises_for(ticket)
    if not promises:
        return _("Service request %(number)s was registered.") % {"number": ticket.number}
    times = "; ".join(f"{p.label} {timezone.localtime(p.due_at):%Y-%m-%d %H:%M}" for p in promises)
    return _("Service request %(number)s was registered. Expected: %(times)s.") % {
        "number": ticket.number, "times": times}


def _get_ticket(request, pk):
    qs = Ticket.objects.visible_to(request.user).select_related(
        "customer", "site", "asset", "contract", "assignee", "assigned_dealer", "created_by")
    return get_object_or_404(qs, pk=pk)


def _detail(request, ticket, *, status=200, bound: dict | None = None):
    """Render the detail page; `bound` replaces forms that failed (with their errors)."""
    user = request.user
    bound = bound or {}
    initial = {"version": ticket.version}
    action_forms = [bound.get(t.action) or ActionForm(initial=initial, transition=t)
                    for t in services.allowed_transitions(ticket, user)]
    context = {
        "ticket": ticket,
        "events": TicketEvent.objects.visible_to(user).filter(ticket=ticket).select_related("actor"),
        "attachments": Attachment.objects.visible_to(user).filter(ticket=ticket).select_related("voided_by"),
        "action_forms": action_forms,
        "comment_form": bound.get("comment") or CommentForm(user=user),
        "attachment_form": bound.get("attachment") or AttachmentForm(user=user),
        "verify_form": None,
        "can_edit": may(user, "ticket.edit", ticket),
        "sections": history_for(user, ticket),
        "promises": promises_for(ticket),
        "hide_internal": not may(user, "internal.view"),
        "void_form": VoidForm() if may(user, "ticket.void_evidence", ticket) else None,
    }
    if not (may(user, "ticket.reply", ticket) or may(user, "ticket.note", ticket)):
        context["comment_form"] = context["attachment_form"] = None  # read-only roles write nothing
    if ticket.unverified and context["can_edit"]:
        context["verify_form"] = bound.get("verify") or VerifyForm(
            initial={**initial, "customer": ticket.customer_id, "serial": ticket.reported_serial}, user=user)
    return render(request, "tickets/detail.html", context, status=status)


@login_required
def ticket_detail(request, pk):
    return _detail(request, _get_ticket(request, pk))


def stale_message(ticket) -> str:
    """What a stale tab's post is told: the request changed meanwhile, and what it is now."""
    return _("This request was changed by someone else (status: %(status)s). Reload the page and try again.") % {
        "status": ticket.get_status_display()}


def _refused(request, ticket, key, form, error):
    """Put a service refusal on the form that caused it; a stale version says so plainly.

    A stale tab's button may no longer be on the page (the request moved on, so that action is not
    offered): the refusal is then also a message at the top, never a silent re-render."""
    version = form.cleaned_data.get("version") if hasattr(form, "cleaned_data") else None
    ticket.refresh_from_db()
    stale = isinstance(error, ConflictError) or (version is not None and version != ticket.version)
    if isinstance(error, PermissionDeniedError) and not error.field and not stale:
        raise PermissionDenied(str(error.message))
    if stale:
        message = stale_message(ticket)
        form.add_error(None, message)
        messages.error(request, message)
        return _detail(request, ticket, status=409, bound={key: form})
    apply_service_error(form, error)
    if key not in {t.action for t in services.allowed_transitions(ticket, request.user)} | {
            "comment", "attachment", "verify"}:
        messages.error(request, str(error.message))
    return _detail(request, ticket, status=400, bound={key: form})


@login_required
@require_POST
def ticket_action(request, pk, action):
    """One workflow button; the workflow and the services decide whether it is allowed."""
    ticket = _get_ticket(request, pk)
    transition = workflow.transition_for(action)
    if transition is None:
        raise Http404
    form = ActionForm(request.POST, transition=transition)
    if not form.is_valid():
        return _detail(request, ticket, status=400, bound={action: form})
    try:
        services.perform_action(request.user, ticket, action, **form.payload())
    except ServiceError as error:
        return _refused(request, ticket, action, form, error)
    messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
    return redirect("tickets:detail", pk=ticket.pk)


@login_required
@require_POST
def ticket_comment(request, pk):
    ticket = _get_ticket(request, pk)
    form = CommentForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.add_comment(request.user, ticket, form.cleaned_data["body"],
                                 form.cleaned_data.get("internal", False))
        except ServiceError as error:
            return _refused(request, ticket, "comment", form, error)
        return redirect("tickets:detail", pk=ticket.pk)
    return _detail(request, ticket, status=400, bound={"comment": form})


@login_required
@require_POST
def ticket_attach(request, pk):
    ticket = _get_ticket(request, pk)
    form = AttachmentForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            services.add_attachment(request.user, ticket, form.cleaned_data["file"],
                                    form.cleaned_data.get("internal", False))
        except ServiceError as error:
            return _refused(request, ticket, "attachment", form, error)
        return redirect("tickets:detail", pk=ticket.pk)
    return _detail(request, ticket, status=400, bound={"attachment": form})


@login_required
@require_POST
def ticket_verify(request, pk):
    ticket = _get_ticket(request, pk)
    form = VerifyForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.verify_ticket(request.user, ticket, customer=data["customer"], site=data["site"],
                                   asset=data["serial"], expected_version=data["version"])
        except ServiceError as error:
            if error.field == "asset":
                error.field = "serial"
            return _refused(request, ticket, "verify", form, error)
        messages.success(request, _("The report is verified."))
        return redirect("tickets:detail", pk=ticket.pk)
    return _detail(request, ticket, status=400, bound={"verify": form})


@login_required
@require_POST
def ticket_not_a_repeat(request, pk):
    """The desk removes a repeat link: a different fault after all (issue 8, recurrence window)."""
    ticket = _get_ticket(request, pk)
    form = NotRepeatForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("tickets:detail", pk=ticket.pk)
    try:
        services.unmark_repeat(request.user, ticket, reason=form.cleaned_data["reason"])
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error.message)) from None
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The link is removed: the earlier fix counts as kept again."))
    return redirect("tickets:detail", pk=ticket.pk)


@login_required
def ticket_edit(request, pk):
    """Desk corrections of title, description, severity, support mode, customer, site, asset."""
    ticket = _get_ticket(request, pk)
    require(request.user, "ticket.edit", ticket)
    fields = ("title", "description", "severity", "support_mode", "customer", "site", "asset")
    initial = {name: getattr(ticket, name) for name in fields} | {"version": ticket.version}
    form = TicketEditForm(request.POST or None, initial=initial, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in fields}
        try:
            services.update_ticket(request.user, ticket, form.cleaned_data["version"], **changes)
        except ConflictError:
            ticket.refresh_from_db()
            form.add_error(None, stale_message(ticket))
            status = 409
        except ServiceError as error:
            apply_service_error(form, error)
            status = 400
        else:
            messages.success(request, _("Changes saved."))
            return redirect("tickets:detail", pk=ticket.pk)
    elif form.errors:
        status = 400
    return render(request, "tickets/edit.html", {"form": form, "ticket": ticket}, status=status)


@login_required
def attachment_download(request, pk):
    """Download only through Attachment.objects.visible_to (never by bare id)."""
    return attachment_response(get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk))


@login_required
@require_POST
def attachment_void(request, pk):
    """Void an attachment added in error, with a reason; the file stays (P13.9)."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    return void_record(request, attachment, services.void_attachment, _("Attachment voided."))


def void_record(request, record, void, done: str):
    """The void form's post for any evidence on a ticket (an attachment, a visit record): the reason
    is required, `void(user, record, reason=…)` is the service; back to the ticket's page."""
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for voiding."))
        return redirect("tickets:detail", pk=record.ticket_id)
    try:
        void(request.user, record, reason=form.cleaned_data["reason"])
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error.message)) from None
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("tickets:detail", pk=record.ticket_id)
