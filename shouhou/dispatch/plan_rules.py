"""The service plan's evidence clauses on site work (issue 8, "Evidence rules"; sla/models_clauses.py).

* "An unsigned service record counts as not done": closing a request with a visit record the
  customer has not signed is refused (`on_ticket_transitioned`, a tickets hook: raising inside the
  transition's transaction refuses the whole transition).
* "The engineer does not leave until it is fixed unless the customer agrees": `check_leave`
  refuses leaving an unresolved job without the name of the customer's representative who agreed.
* "A maintenance contract's hours (Mon–Fri 08:30–17:00, no holidays)": `check_appointment_window`
  refuses a booking outside them, or returns the warning to keep with it (sla/services/windows.py).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from shouhou.core.errors import ServiceError
from shouhou.sla.models_clauses import clauses_of
from shouhou.sla.services.clocks import plan_for_ticket
from shouhou.tickets.choices import Status
from shouhou.tickets.signals import ticket_transitioned

from .models import Visit

DONE_STATES = frozenset({Status.RESOLVED, Status.CUSTOMER_CONFIRMED, Status.CLOSED})


def check_leave(ticket, customer_consent: str) -> str:
    """The consent to record ("" when none is needed); ServiceError `customer_consent_required`."""
    consent = (customer_consent or "").strip()
    if ticket.status in DONE_STATES or consent:
        return consent
    clauses = clauses_of(plan_for_ticket(ticket))
    if clauses is not None and clauses.leave_needs_consent:
        raise ServiceError("customer_consent_required",
                           _("The job is not resolved: the engineer may leave only if the customer agrees. "
                             "Enter who of the customer agreed (customer consent)."), "customer_consent")
    return consent


def check_appointment_window(ticket, appointment_at) -> str:
    """The warning to keep with the booking ("" inside the window or without one); ServiceError
    `appointment_outside_window` (field "appointment_at") when the plan refuses such a time."""
    from shouhou.sla.models_clauses import WindowMode
    from shouhou.sla.services.windows import appointment_verdict

    verdict = appointment_verdict(ticket, appointment_at)
    if verdict is None:
        return ""
    if verdict.mode == WindowMode.REFUSE:
        raise ServiceError("appointment_outside_window", verdict.message, "appointment_at")
    return verdict.message


def on_ticket_transitioned(sender, ticket, actor=None, event=None, transition=None, **kwargs):
    if transition is None or transition.action != "close":
        return
    clauses = clauses_of(plan_for_ticket(ticket))
    if clauses is None or not clauses.unsigned_is_not_done:
        return
    if Visit.objects.filter(ticket=ticket, arrived_at__isnull=False, signed_at__isnull=True).exists():
        raise ServiceError("service_record_unsigned",
                           _("An unsigned service record counts as not done: the customer must sign the visit "
                             "record before the request is closed (signature)."), "signature")


def connect() -> None:
    ticket_transitioned.connect(on_ticket_transitioned, dispatch_uid="dispatch.plan_rules_close")
