"""Approval requests about a ticket, or about a record that belongs to one, on its timeline.

approvals sits below tickets (it may not import it), so it sends signals and this module, above
it, listens: a subject that is a Ticket, or has a `ticket` that is one (a repair task form, later
a quote or a claim), gets an internal timeline entry for its submission, each decision (with the
reason) and its end — in the same transaction as the decision (issue 6, "One approval flow").
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from shouhou.approvals.signals import decision_recorded, request_finished, request_submitted

from .choices import EventKind
from .models import Ticket
from .services import record_event


def ticket_of(subject) -> Ticket | None:
    if isinstance(subject, Ticket):
        return subject
    ticket = getattr(subject, "ticket", None) if hasattr(subject, "ticket_id") else None
    return ticket if isinstance(ticket, Ticket) else None


def _record(request, subject, actor, body: str, **data) -> None:
    ticket = ticket_of(subject)
    if ticket is None:
        return
    record_event(ticket, EventKind.APPROVAL, actor, body=body, internal=True,
                 data={"approval_request": request.pk, "kind": request.flow.kind, **data})


def on_submitted(sender, request, subject, actor, **kwargs):
    _record(request, subject, actor, _("Submitted for approval: %(flow)s “%(title)s”.") % {
        "flow": request.flow.label, "title": request.title})


def on_decision(sender, request, subject, decision, actor, **kwargs):
    body = _("%(flow)s, %(step)s: %(outcome)s.") % {
        "flow": request.flow.label, "step": decision.step.label, "outcome": decision.get_outcome_display()}
    if decision.reason:
        body = f"{body}\n{decision.reason}"
    _record(request, subject, actor, body, step=decision.step.position, outcome=decision.outcome)


def on_finished(sender, request, subject, actor, **kwargs):
    _record(request, subject, actor, _("%(flow)s “%(title)s”: %(state)s.") % {
        "flow": request.flow.label, "title": request.title, "state": request.get_state_display()},
        state=request.state)


def connect() -> None:
    request_submitted.connect(on_submitted, dispatch_uid="tickets.approval_submitted")
    decision_recorded.connect(on_decision, dispatch_uid="tickets.approval_decision")
    request_finished.connect(on_finished, dispatch_uid="tickets.approval_finished")
