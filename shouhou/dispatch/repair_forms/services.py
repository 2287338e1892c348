"""The only code that changes repair task forms (P13.8; style rule 4).

The desk (service desk, dispatcher) writes a form on a ticket and submits it to the approvals
app's "repair_task_form" flow (seeded: department head = dispatcher role, then unit leader =
leadership role).  The approvals app tells us the outcome through `request_finished`
(`on_request_finished`, connected in DispatchConfig.ready), in the transaction of the deciding
decision: approved → the form is approved and never changes again; rejected → it stays rejected
(a new form is written); returned or withdrawn → back to draft, to be corrected and submitted again
as a new request.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import may
from shouhou.approvals.choices import RequestState
from shouhou.approvals.services import submit_request
from shouhou.core.errors import REFUSED, PermissionDeniedError, ServiceError
from shouhou.core.versioning import save_versioned
from shouhou.tickets.choices import TERMINAL_STATES
from shouhou.tickets.models import Ticket

from .choices import APPROVAL_KIND, RepairFormStatus
from .models import RepairTaskForm

FIELDS = ("findings", "cause", "scope", "parts", "cost_estimate", "planned_start", "planned_end", "project_manager")


def can_write(user, ticket=None) -> bool:
    """The desk and dispatchers write and submit repair task forms (P13.8): "repair_form.write"."""
    return may(user, "repair_form.write", ticket)


def _require_writer(user, ticket) -> None:
    if not can_write(user, ticket) or not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
        raise PermissionDeniedError(REFUSED, _("You may not write repair task forms."))


def _lock(form: RepairTaskForm) -> RepairTaskForm:
    return RepairTaskForm.objects.select_for_update().select_related("ticket").get(pk=form.pk)


@transaction.atomic
def create_repair_form(user, ticket: Ticket, **fields) -> RepairTaskForm:
    """Write a draft repair task form on `ticket` (desk only; not on a closed or cancelled ticket).

    Raises PermissionDeniedError `not_permitted`, ServiceError `ticket_closed`; ValidationError for
    invalid fields (dates in the wrong order, a project manager who is not our active staff).
    """
    _require_writer(user, ticket)
    if ticket.status in TERMINAL_STATES:
        raise ServiceError("ticket_closed", _("This service request is closed; no repair can be planned on it."))
    form = RepairTaskForm(ticket=ticket, created_by=user, **{k: v for k, v in fields.items() if k in FIELDS})
    form.full_clean()
    form.save()
    return form


@transaction.atomic
def update_repair_form(user, form: RepairTaskForm, expected_version: int | None, **fields) -> RepairTaskForm:
    """Correct a draft (stale version → 409).  Raises ServiceError `not_editable` once submitted."""
    form = _lock(form)
    _require_writer(user, form.ticket)
    if not form.is_editable:
        raise ServiceError("not_editable", _("Only a draft can be changed; an approved repair task form never changes."))
    return save_versioned(form, expected_version, {k: v for k, v in fields.items() if k in FIELDS})


@transaction.atomic
def submit_repair_form(user, form: RepairTaskForm) -> RepairTaskForm:
    """Send a draft for approval (P13.8: department head, then unit leader).

    Raises ServiceError `not_editable` (not a draft), `no_flow` (the flow was switched off).
    """
    form = _lock(form)
    _require_writer(user, form.ticket)
    if not form.is_editable:
        raise ServiceError("not_editable", _("Only a draft can be submitted for approval."))
    ticket = form.ticket
    form.status = RepairFormStatus.PENDING
    form.save(update_fields=["status", "updated_at"])
    submit_request(user, form, APPROVAL_KIND, title=f"{form.number} · {ticket.number} {ticket.title}"[:200],
                   summary=form.scope)
    return form


# Form status after the request ends, by the request's final state.
STATUS_AFTER = {
    RequestState.APPROVED: RepairFormStatus.APPROVED,
    RequestState.REJECTED: RepairFormStatus.REJECTED,
    RequestState.RETURNED: RepairFormStatus.DRAFT,
    RequestState.WITHDRAWN: RepairFormStatus.DRAFT,
}


def on_request_finished(sender, request, subject, actor, **kwargs):
    """approvals.signals.request_finished for RepairTaskForm: follow the request's outcome."""
    form = RepairTaskForm.objects.select_for_update().filter(pk=subject.pk, status=RepairFormStatus.PENDING).first()
    if form is None:
        return
    form.status = STATUS_AFTER[request.state]
    if form.status == RepairFormStatus.APPROVED:
        form.approved_at = request.finished_at or timezone.now()
    form.save(update_fields=["status", "approved_at", "updated_at"])
