"""The only code that changes visits, signatures and fault reports (style rule 4).

Every function takes the acting user first, runs in one transaction and appends the ticket
timeline event it causes.  Ticket status moves only through `tickets.services.transition_ticket`.
A signed visit is immutable (P10.4, P12.3): every function that would change one raises
ServiceError `visit_signed`; corrections are `amend_visit` rows with before/after.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.permissions import is_assignable, require
from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.core.files import unguessable_name
from shouhou.tickets.choices import EventKind, Status
from shouhou.tickets.notifications import emit_ticket, local
from shouhou.tickets.services import actor_kinds, lock_ticket, record_event, transition_ticket, void_reason

from .models import DATETIME_FIELDS, FaultReport, SignatureMethod, Visit, VisitAmendment
from .plan_rules import check_appointment_window, check_leave
from .signature import validate_signature_png

# How far back an appointment may be recorded (one agreed on the phone yesterday evening).
APPOINTMENT_GRACE = dt.timedelta(hours=24)


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


def _require_actor(ticket, user, kinds: set[str]) -> set[str]:
    """Refuse unless `user` acts on `ticket` as one of `kinds` (desk / assignee / customer)."""
    mine = actor_kinds(ticket, user)
    if not mine & kinds:
        raise PermissionDeniedError("not_permitted", _("You may not work on this visit."))
    return mine


def _lock_visit(visit: Visit, *, unsigned: bool = True) -> Visit:
    """Re-read the visit under a row lock so a concurrent signature cannot slip in between.
    A voided record takes no step at all."""
    locked = Visit.objects.select_for_update().select_related("ticket").get(pk=visit.pk)
    if unsigned and locked.signed_at is not None:
        raise ServiceError("visit_signed", _("This visit record is signed and can no longer be changed; add an amendment instead."))
    if locked.voided_at is not None:
        raise ServiceError("visit_void", _("This visit record is voided."))
    return locked


def open_visit(ticket) -> Visit | None:
    """The ticket's visit under way (not left, not signed), newest first."""
    return Visit.objects.filter(ticket=ticket).open().order_by("-created_at", "-id").first()


def _visit_for_work(ticket, user, visit: Visit | None) -> Visit:
    """The visit a travel/arrival step applies to: the given one (if still open) or the open one, or a new one."""
    if visit is not None:
        visit = _lock_visit(visit)
        if visit.ticket_id != ticket.pk or not visit.is_open:
            raise ServiceError("visit_not_open", _("This visit is already finished; book a new appointment."))
        return visit
    visit = open_visit(ticket)
    if visit is not None:
        return _lock_visit(visit)
    return Visit.objects.create(ticket=ticket, engineer=user)


@transaction.atomic
def assign_ticket(user, ticket, engineer=None, dealer=None, expected_version=None):
    """Assign `ticket` to an active field engineer and/or a dealer (desk only; reassigning allowed).

    Raises ServiceError `assignee_required`, `not_an_engineer` (field "assignee"), `not_a_dealer`
    (field "dealer"); PermissionDenied for non-desk users; ConflictError on a stale version.
    """
    if engineer is None and dealer is None:
        raise ServiceError("assignee_required", _("Choose an engineer or a dealer."), "assignee")
    if engineer is not None and not is_assignable(engineer):
        raise ServiceError("not_an_engineer", _("Only an active field engineer can be assigned."), "assignee")
    if dealer is not None and dealer.kind != OrganisationKind.DEALER:
        raise ServiceError("not_a_dealer", _("Only a dealer / service outlet can be assigned."), "dealer")
    # "before" from the locked row, not from the caller's possibly stale copy.
    ticket = lock_ticket(ticket, expected_version)
    before = {"assignee": _person(ticket.assignee), "dealer": dealer_ref(ticket.assigned_dealer)}
    after = {"assignee": _person(engineer), "dealer": dealer_ref(dealer)}
    return transition_ticket(
        ticket, user, "assign", expected_version=expected_version,
        fields={"assignee": engineer, "assigned_dealer": dealer},
        event_kind=EventKind.ASSIGNED, event_data={"before": before, "after": after},
    )


def dealer_ref(dealer) -> dict | None:
    return {"id": dealer.pk, "name": dealer.name} if dealer is not None else None


@transaction.atomic
def book_appointment(user, ticket, appointment_at, note="", expected_version=None) -> Visit:
    """P10.3: the engineer books a time with the customer; creates or updates the open visit.

    Booking is also how the assignee accepts the job.  The desk may book for the assigned
    engineer.  A time outside the plan's working window (issue 8) is refused
    (`appointment_outside_window`, field "appointment_at") or booked with the warning kept on the
    visit (`appointment_warning`) and on the timeline, as the plan says.
    Raises `appointment_required`, `appointment_in_past`, `no_engineer`, `appointment_outside_window`.
    """
    if appointment_at is None:
        raise ServiceError("appointment_required", _("Choose the time agreed with the customer."), "appointment_at")
    if timezone.is_naive(appointment_at):
        appointment_at = timezone.make_aware(appointment_at)
    if appointment_at < timezone.now() - APPOINTMENT_GRACE:
        raise ServiceError("appointment_in_past", _("The appointment cannot be in the past."), "appointment_at")
    ticket = lock_ticket(ticket, expected_version)
    kinds = _require_actor(ticket, user, {"assignee", "desk"})
    engineer = user if "assignee" in kinds else ticket.assignee
    if engineer is None:
        raise ServiceError("no_engineer", _("Assign an engineer before booking an appointment."), "assignee")
    warning = check_appointment_window(ticket, appointment_at)
    ticket = transition_ticket(
        ticket, user, "book_appointment", expected_version=expected_version, event_kind=EventKind.APPOINTMENT,
        reason=warning,
        event_data={"appointment_at": appointment_at.isoformat(), "note": note, "engineer": _person(engineer),
                    **({"window_warning": warning} if warning else {})},
        notify_context={"appointment": local(appointment_at), "note": note, "engineer": engineer.display_name},
    )
    visit = open_visit(ticket)
    if visit is None or visit.departed_at is not None:
        visit = Visit(ticket=ticket, engineer=engineer)
    else:
        visit = _lock_visit(visit)
        visit.engineer = engineer
    visit.appointment_at = appointment_at
    visit.appointment_note = note
    visit.appointment_warning = warning
    visit.save()
    return visit


@transaction.atomic
def start_travel(user, ticket, visit=None, expected_version=None) -> Visit:
    """The engineer sets off (en route); stamps `departed_at` on the open visit (created if none)."""
    ticket = transition_ticket(ticket, user, "start_travel", expected_version=expected_version,
                               event_kind=EventKind.VISIT_STARTED)
    visit = _visit_for_work(ticket, user, visit)
    visit.departed_at = timezone.now()
    visit.save(update_fields=["departed_at"])
    return visit


@transaction.atomic
def record_arrival(user, ticket, visit=None, expected_version=None) -> Visit:
    """The engineer is on site: stamps `arrived_at` (the SLA "arrival" clock stops here)."""
    ticket = transition_ticket(ticket, user, "arrive", expected_version=expected_version,
                               event_kind=EventKind.VISIT_ARRIVED)
    visit = _visit_for_work(ticket, user, visit)
    visit.arrived_at = timezone.now()
    visit.save(update_fields=["arrived_at"])
    return visit


@transaction.atomic
def record_departure(user, visit, work_done, parts_used="", customer_consent="") -> Visit:
    """The engineer leaves: work done and parts used (free text) with the leaving time.

    May be repeated until the record is signed (the first leaving time is kept).  When the plan
    says the engineer stays until it is fixed, leaving an unresolved job needs `customer_consent`
    (who of the customer agreed; kept on the timeline).  Raises `visit_signed`, `visit_not_arrived`,
    `work_done_required`, `customer_consent_required`.
    """
    visit = _lock_visit(visit)
    ticket = lock_ticket(visit.ticket)
    _require_actor(ticket, user, {"assignee", "desk"})
    if visit.arrived_at is None:
        raise ServiceError("visit_not_arrived", _("Record the arrival on site first."))
    if not (work_done or "").strip():
        raise ServiceError("work_done_required", _("Describe the work done."), "work_done")
    consent = check_leave(ticket, customer_consent)
    visit.left_at = visit.left_at or timezone.now()
    visit.work_done = work_done.strip()
    visit.parts_used = (parts_used or "").strip()
    visit.save(update_fields=["left_at", "work_done", "parts_used"])
    event = record_event(ticket, EventKind.VISIT_LEFT, user, body=visit.work_done,
                         data={"visit": visit.pk, "parts_used": visit.parts_used, "left_at": visit.left_at.isoformat(),
                               **({"customer_consent": consent} if consent else {})})
    # The record now awaits the customer's signature or confirmation: the customer is told.
    emit_ticket("visit.awaiting_signature", ticket, user, event=event,
                context={"work_done": visit.work_done, "left_at": local(visit.left_at)})
    return visit


@transaction.atomic
def sign_visit(user, visit, method, signer_name="", signature_png_bytes=None) -> Visit:
    """The customer signs the visit record (P10.4); afterwards it is immutable (P12.3).

    - "drawn": signed on the engineer's screen; the assignee (or desk) submits the PNG and the
      signer's name.  The PNG is validated (real PNG, size limit, not blank).
    - "account": a user of the ticket's customer confirms from their own account; the signer is
      that user.  If the ticket is already resolved this is also the customer's confirmation of
      the resolution (resolved → customer confirmed), because that is what the customer means by
      confirming the finished work; before resolution the ticket does not move.
    Raises `visit_signed`, `visit_not_finished`, `signer_required`, `bad_method`, signature_* codes.
    """
    signers = {SignatureMethod.DRAWN: {"assignee", "desk"}, SignatureMethod.ACCOUNT: {"customer"}}
    if method not in signers:
        raise ServiceError("bad_method", _("Choose how the customer signs."), "method")
    visit = _lock_visit(visit)
    ticket = lock_ticket(visit.ticket)
    _require_actor(ticket, user, signers[method])
    if visit.left_at is None or not visit.work_done:
        raise ServiceError("visit_not_finished", _("Record the work done before asking for the signature."))
    if method == SignatureMethod.DRAWN:
        signer_name = (signer_name or "").strip()
        if not signer_name:
            raise ServiceError("signer_required", _("Enter the name of the person signing."), "signer_name")
        png = validate_signature_png(signature_png_bytes)
        visit.signature_image.save(unguessable_name("png"), ContentFile(png), save=False)
        visit.signer_user = None
    else:
        signer_name = (signer_name or "").strip() or user.display_name
        visit.signer_user = user
    visit.signature_method = method
    visit.signer_name = signer_name[:100]
    visit.signed_at = timezone.now()
    visit.save(update_fields=["signature_method", "signature_image", "signer_name", "signer_user", "signed_at"])
    event = record_event(ticket, EventKind.VISIT_SIGNED, user, body=signer_name,
                         data={"visit": visit.pk, "method": method, "signer_name": visit.signer_name})
    emit_ticket("visit.signed", ticket, user, event=event, context={"signer": visit.signer_name})
    if method == SignatureMethod.ACCOUNT and ticket.status == Status.RESOLVED:
        transition_ticket(ticket, user, "confirm", event_data={"visit": visit.pk})
    return visit


def _json_value(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


@transaction.atomic
def amend_visit(user, visit, reason, **changes) -> VisitAmendment:
    """Correct a signed visit record without touching it (P12.3): one amendment with before/after.

    Only `Visit.AMENDABLE_FIELDS` may be corrected; datetimes must be aware.  The desk or the
    ticket's assignee may amend.  Raises `visit_not_signed`, `reason_required`, `unknown_field`,
    `nothing_changed`.
    """
    visit = _lock_visit(visit, unsigned=False)
    ticket = lock_ticket(visit.ticket)
    _require_actor(ticket, user, {"assignee", "desk"})
    if not visit.is_signed:
        raise ServiceError("visit_not_signed", _("Only a signed visit record is amended; finish the visit instead."))
    if not (reason or "").strip():
        raise ServiceError("reason_required", _("Please give a reason."), "reason")
    current = visit.amended_values()
    diff = {}
    for name, value in changes.items():
        if name not in Visit.AMENDABLE_FIELDS:
            raise ServiceError("unknown_field", _("This field cannot be amended: %(field)s") % {"field": name}, name)
        if name in DATETIME_FIELDS and value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        if isinstance(value, str):
            value = value.strip()
        if value != current[name]:
            diff[name] = {"before": _json_value(current[name]), "after": _json_value(value)}
    if not diff:
        raise ServiceError("nothing_changed", _("The amendment changes nothing."))
    amendment = VisitAmendment.objects.create(visit=visit, author=user, reason=reason.strip(), changes=diff)
    record_event(ticket, EventKind.VISIT_AMENDED, user, body=amendment.reason,
                 data={"visit": visit.pk, "amendment": amendment.pk, "changes": diff})
    return amendment


@transaction.atomic
def void_visit(user, visit, *, reason: str) -> Visit:
    """Void an unsigned visit record made in error, with a reason (P13.9: never deleted).

    A signed record is immutable (P10.4, P12.3) and is refused with `visit_signed`: corrections to
    it are amendments.  The voided record stays, struck through for our people and hidden from the
    customer, with an internal timeline entry.  Roles with "ticket.void_evidence" only.  Raises
    `visit_signed`, `visit_void`, `reason_required`; `not_permitted`.
    """
    visit = _lock_visit(visit)
    ticket = lock_ticket(visit.ticket)
    require(user, "ticket.void_evidence", ticket, _("You may not void visit records."))
    reason = void_reason(reason)
    visit.voided_at, visit.voided_by, visit.void_reason = timezone.now(), user, reason
    visit.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record_event(ticket, EventKind.VOIDED, user, internal=True,
                 body=_("Visit record voided: %(reason)s") % {"reason": reason},
                 data={"record": "dispatch.visit", "id": visit.pk, "visit": visit.pk, "reason": reason,
                       "engineer": _person(visit.engineer)})
    return visit


@transaction.atomic
def write_fault_report(user, ticket, cause, fix, prevention, shared_with_customer=True) -> FaultReport:
    """P5.4 / P14.8: a fault analysis report (cause, fix, prevention) on a ticket.

    Written by our staff or by the assigned engineer/dealer; never by customers.  A report not
    shared with the customer is an internal timeline event and invisible to customer users.
    """
    ticket = lock_ticket(ticket)
    require(user, "ticket.fault_report", ticket, _("You may not write a fault analysis report for this request."))
    values = {"cause": cause, "fix": fix, "prevention": prevention}
    labels = {"cause": _("Describe the cause of the fault."), "fix": _("Describe how it was fixed."),
              "prevention": _("Describe how to prevent it in future.")}
    for name, value in values.items():
        if not (value or "").strip():
            raise ServiceError(f"{name}_required", labels[name], name)
    report = FaultReport.objects.create(
        ticket=ticket, author=user, shared_with_customer=bool(shared_with_customer),
        **{name: value.strip() for name, value in values.items()},
    )
    record_event(ticket, EventKind.FAULT_REPORT, user, body=report.cause, internal=not report.shared_with_customer,
                 data={"fault_report": report.pk, "shared_with_customer": report.shared_with_customer})
    return report
