"""The only code that changes service requests (style rule 4).

Every function takes the acting user, runs in one transaction, checks the state machine, and
appends the timeline event it causes.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.assets.models import Asset
from shouhou.contracts.models import Contract
from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError

from . import workflow
from .choices import EventKind, Status
from .models import Ticket, TicketEvent
from .signals import ticket_opened, ticket_transitioned


def record_event(ticket, kind, actor, *, body="", data=None, internal=False, from_status="", to_status=""):
    """Append one timeline entry.  Callers are services already inside a transaction."""
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, body=body, data=data or {}, internal=internal,
        from_status=from_status, to_status=to_status,
    )


def actor_kinds(ticket: Ticket, user) -> set[str]:
    """Which workflow actors `user` is for `ticket`: desk, assignee, customer."""
    kinds: set[str] = set()
    if not user.is_authenticated or not user.is_active:
        return kinds
    if user.is_desk:
        kinds.add("desk")
    if ticket.assignee_id and ticket.assignee_id == user.pk:
        kinds.add("assignee")
    if user.is_dealer and ticket.assigned_dealer_id == user.organisation_id:
        kinds.add("assignee")
    if user.is_customer_user and ticket.customer_id and ticket.customer.organisation_id == user.organisation_id:
        kinds.add("customer")
    return kinds


def allowed_transitions(ticket: Ticket, user) -> list[workflow.Transition]:
    """What `user` may do to `ticket` now; buttons and API validation both use this."""
    return workflow.available(ticket.status, actor_kinds(ticket, user))


def find_contract(customer, site, asset, day) -> Contract | None:
    """The active contract covering the asset, else the site, else the customer's only one."""
    if customer is None:
        return None
    active = Contract.objects.filter(customer=customer).active_on(day).order_by("-start_date", "-id")
    if asset is not None:
        hit = active.filter(assets=asset).first()
        if hit:
            return hit
    if site is not None:
        hit = active.filter(sites=site).first()
        if hit:
            return hit
    candidates = list(active.filter(assets__isnull=True, sites__isnull=True)[:2])
    return candidates[0] if len(candidates) == 1 else None


@transaction.atomic
def open_ticket(user, *, title, description="", channel="phone", severity=3, support_mode="on_site",
                serial="", customer=None, site=None, asset=None, reported_customer="",
                reporter_name="", reporter_phone="", reporter_email="") -> Ticket:
    """Register a reported problem.  Never refuses a report for an unknown asset or customer:
    such a ticket is saved with `unverified=True` for the desk to resolve (requirements: a
    customer's report is never lost)."""
    if user.is_customer_user:
        customer = getattr(user.organisation, "customer", None)
    serial = (serial or "").strip()
    if asset is None and serial:
        asset = Asset.objects.select_related("site", "customer").filter(serial_no__iexact=serial).first()
    if asset is not None:
        if customer is not None and asset.customer_id != customer.pk:
            asset = None  # a serial of someone else's unit: keep the report, flag it
        else:
            customer, site = asset.customer, site or asset.site
    if site is not None and customer is None:
        customer = site.customer
    today = timezone.localdate()
    contract = find_contract(customer, site, asset, today)
    ticket = Ticket.objects.create(
        title=title, description=description, channel=channel, severity=severity, support_mode=support_mode,
        customer=customer, site=site, asset=asset, contract=contract,
        service_level=contract.service_level if contract else "",
        in_warranty=asset.in_warranty(today) if asset and asset.warranty_end else None,
        reported_serial=serial, reported_customer=reported_customer, reporter_name=reporter_name,
        reporter_phone=reporter_phone, reporter_email=reporter_email,
        unverified=customer is None or (bool(serial) and asset is None), created_by=user,
    )
    event = record_event(ticket, EventKind.CREATED, user, body=description, to_status=ticket.status,
                         data={"channel": channel, "severity": severity, "unverified": ticket.unverified})
    ticket_opened.send(sender=Ticket, ticket=ticket, actor=user, event=event)
    return ticket


def lock_ticket(ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """Re-read the ticket under a row lock; refuse if the caller's version is stale (409)."""
    locked = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            "stale_version",
            _("This service request was changed by someone else (now version %(current)s, you saw version %(expected)s). Reload and try again.")
            % {"current": locked.version, "expected": expected_version},
            "version",
        )
    return locked


@transaction.atomic
def transition_ticket(ticket: Ticket, user, action: str, *, reason: str = "", resolution: str = "",
                      fields: dict | None = None, expected_version: int | None = None,
                      event_kind: str = EventKind.TRANSITION, event_data: dict | None = None) -> Ticket:
    """Move `ticket` along the declared workflow.

    `fields` are extra ticket fields the calling service sets with the move (e.g. the assignee).
    Raises ServiceError with code `transition_not_allowed` / `reason_required` /
    `resolution_required`, or ConflictError on a stale version.
    """
    ticket = lock_ticket(ticket, expected_version)
    transition = workflow.transition_for(action)
    if transition is None:
        raise ServiceError("unknown_action", _("Unknown action: %(action)s") % {"action": action}, "action")
    if ticket.status not in transition.sources:
        raise ServiceError(
            "transition_not_allowed",
            _("“%(action)s” is not possible while the request is “%(status)s”.")
            % {"action": transition.label, "status": ticket.get_status_display()},
            "action",
        )
    if not transition.actors & actor_kinds(ticket, user):
        raise PermissionDeniedError("not_permitted", _("You may not “%(action)s” this request.") % {"action": transition.label})
    if "reason" in transition.requires and not reason.strip():
        raise ServiceError("reason_required", _("Please give a reason."), "reason")
    if "resolution" in transition.requires and not (resolution or ticket.resolution).strip():
        raise ServiceError("resolution_required", _("Please describe how the problem was solved."), "resolution")
    before = ticket.status
    after = workflow.target_of(transition, before, ticket.resume_status)
    now = timezone.now()
    changes = dict(fields or {})
    changes["status"] = after
    if after in (Status.PENDING_CUSTOMER, Status.ESCALATED) and before not in (Status.PENDING_CUSTOMER, Status.ESCALATED):
        changes["resume_status"] = before
    elif action == "resume":
        changes["resume_status"] = ""
    if action == "cancel":
        changes["cancel_reason"] = reason
    if action == "resolve":
        changes["resolved_at"] = now
        if resolution:
            changes["resolution"] = resolution
    if action == "close":
        changes["closed_at"] = now
    if action == "reopen":
        changes.update(resolved_at=None, closed_at=None)
    for name, value in changes.items():
        setattr(ticket, name, value)
    ticket.version += 1
    ticket.save(update_fields=[*changes, "version", "updated_at"])
    data = {"action": action, **(event_data or {})}
    if reason:
        data["reason"] = reason
    event = record_event(ticket, event_kind, user, body=reason or resolution, data=data,
                         from_status=before, to_status=after)
    ticket_transitioned.send(sender=Ticket, ticket=ticket, actor=user, event=event, transition=transition)
    return ticket
