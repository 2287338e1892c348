"""Pages of the repair task form (P13.8): write it from the ticket page, correct the draft, submit it
for approval, and read it with its approval state.  Forms and tickets are looked up through their
`visible_to(user)`, so anything out of scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.approvals.models import RequestStep
from shouhou.approvals.services import requests_for
from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError
from shouhou.core.hooks import Section
from shouhou.tickets.models import Ticket

from . import services
from .forms import RepairTaskFormForm
from .models import RepairTaskForm


def _form_error(form, error) -> None:
    if isinstance(error, ValidationError):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _get(request, pk) -> RepairTaskForm:
    qs = RepairTaskForm.objects.visible_to(request.user).select_related(
        "ticket__customer", "project_manager", "created_by")
    return get_object_or_404(qs, pk=pk)


def _save(request, form, ticket, instance=None):
    """Run the create or update service for a valid page form; None when it refused (errors on the form)."""
    try:
        if instance is None:
            return services.create_repair_form(request.user, ticket, **form.service_fields())
        return services.update_repair_form(request.user, instance, form.cleaned_data.get("version"),
                                           **form.service_fields())
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error.message)) from None
    except ConflictError:
        form.add_error(None, _("This form was changed by someone else in the meantime. Reload the page and try again."))
    except (ServiceError, ValidationError) as error:
        _form_error(form, error)
    return None


@login_required
def create(request, ticket_id):
    """A new draft on the ticket (desk and dispatchers)."""
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user).select_related("customer"), pk=ticket_id)
    if not services.can_write(request.user, ticket):
        raise PermissionDenied
    form = RepairTaskFormForm(request.POST or None, initial={"project_manager": ticket.assignee_id})
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, ticket)
        if saved is not None:
            messages.success(request, _("The repair task form is saved as a draft."))
            return redirect("dispatch:repair_form", pk=saved.pk)
    return render(request, "dispatch/form_page.html", {
        "form": form, "ticket": ticket, "title": _("New repair task form"), "submit": _("Save draft"),
        "intro": _("Record what was confirmed with the owner, the main cause and the measures; after saving, "
                   "submit it for review by the department head and approval by the unit leader."),
    }, status=400 if form.errors else 200)


@login_required
def edit(request, pk):
    repair_form = _get(request, pk)
    if not (services.can_write(request.user, repair_form.ticket) and repair_form.is_editable):
        raise PermissionDenied
    form = RepairTaskFormForm(request.POST or None, instance=repair_form, initial={"version": repair_form.version})
    if request.method == "POST" and form.is_valid():
        if _save(request, form, repair_form.ticket, instance=_get(request, pk)) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("dispatch:repair_form", pk=pk)
    return render(request, "dispatch/form_page.html", {
        "form": form, "ticket": repair_form.ticket, "title": _("Edit repair task form"), "submit": _("Save"),
    }, status=400 if form.errors else 200)


@login_required
def detail(request, pk):
    repair_form = _get(request, pk)
    steps = RequestStep.objects.select_related("approver", "decision__decided_by").order_by("position")
    approvals = list(requests_for(repair_form).prefetch_related(Prefetch("steps", steps)))
    return render(request, "dispatch/repair_forms/detail.html", {
        "repair_form": repair_form, "ticket": repair_form.ticket, "approvals": approvals,
        "can_write": services.can_write(request.user, repair_form.ticket) and repair_form.is_editable,
    })


@login_required
@require_POST
def submit(request, pk):
    repair_form = _get(request, pk)
    try:
        services.submit_repair_form(request.user, repair_form)
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error.message)) from None
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The repair task form is submitted for approval."))
    return redirect("dispatch:repair_form", pk=pk)


def ticket_section(user, ticket):
    """The ticket page's panel: its repair task forms with their approval state, and "new" for the desk."""
    forms = list(RepairTaskForm.objects.visible_to(user).filter(ticket=ticket).select_related("project_manager"))
    can_write = services.can_write(user, ticket)
    if not forms and not can_write:
        return None
    return Section(title=_("Repair task forms"), template="dispatch/repair_forms/_section.html",
                   context={"forms": forms, "can_write": can_write, "ticket": ticket}, order=60)
