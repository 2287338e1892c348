"""Loaner tasks that close themselves by the plan's rule (issue 8: "a loaner until fixed").

With the plan clause `loaner_until_resolved` (sla/models_clauses.py), resolving the request closes
its open loaner tasks: a unit not yet provided is no longer needed (status "not needed"), with
the reason on the ticket's timeline.  Tasks already provided, cancelled or voided stay as they are
(evidence, P13.9).  Runs in the transaction of the resolution (receivers.on_ticket_transitioned).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import system_user
from shouhou.tickets.choices import EventKind, Status
from shouhou.tickets.models import Ticket
from shouhou.tickets.services import record_event

from ..choices import LoanerStatus
from ..models import LoanerTask
from ..models_clauses import clauses_of
from .clocks import plan_for_ticket


def close_loaners_at_resolution(ticket: Ticket, actor=None) -> list[LoanerTask]:
    """Close the ticket's open loaner tasks if it is resolved and its plan lends "until fixed"."""
    if ticket.status != Status.RESOLVED:
        return []
    clauses = clauses_of(plan_for_ticket(ticket))
    if clauses is None or not clauses.loaner_until_resolved:
        return []
    closed = []
    note = _("Closed automatically: the request is resolved, and the plan lends a unit only until it is fixed.")
    for task in LoanerTask.objects.select_for_update().filter(ticket=ticket, status=LoanerStatus.OPEN):
        task.status = LoanerStatus.CANCELLED
        task.closed_at, task.closed_by = timezone.now(), None
        task.note = "\n".join(filter(None, [task.note, note]))
        task.save(update_fields=["status", "closed_at", "closed_by", "note"])
        record_event(ticket, EventKind.NOTE, actor or system_user(), body=note, internal=True,
                     data={"loaner_task": task.pk, "auto_closed": True})
        closed.append(task)
    return closed
