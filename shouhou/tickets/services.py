"""The only code that changes service requests (style rule 4).

Every function takes the acting user, runs in one transaction, checks the state machine, and
appends the timeline event it causes.
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts import permissions
from shouhou.accounts.permissions import may, require
from shouhou.assets.models import Asset
from shouhou.contracts.models import Contract
from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError
from shouhou.core.files import unguessable_name
from shouhou.core.versioning import parse_version

from . import notifications, workflow
from .choices import SIDE_STATES, EventKind
from .models import Attachment, Ticket, TicketEvent
from .signals import ACTION_HANDLERS, ticket_opened, ticket_transitioned


def record_event(ticket, kind, actor, *, body="", data=None, internal=False, from_status="", to_status=""):
    """Append one timeline entry.  Callers are services already inside a transaction.

    An entry no person caused (a clock scan, an escalation) names the system actor, never nobody.
    """
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor if actor is not None else permissions.system_user(), body=body, data=data or {}, internal=internal,
        from_status=from_status, to_status=to_status,
    )


# The workflow's actors (workflow.TRANSITIONS) and the permission-layer action that makes a user one.
ACTOR_ACTIONS = {"desk": "ticket.desk_actions", "assignee": "ticket.field_actions",
                 "customer": "ticket.customer_actions", "system": "ticket.system_actions"}


def actor_kinds(ticket: Ticket, user) -> set[str]:
    """Which workflow actors `user` is for `ticket` (desk, assignee, customer), from the permission
    layer: e.g. "assignee" is whoever may take field steps on this request (its engineer, its dealer)."""
    return {kind for kind, action in ACTOR_ACTIONS.items() if may(user, action, ticket)}


def allowed_transitions(ticket: Ticket, user) -> list[workflow.Transition]:
    """What `user` may do to `ticket` now; buttons and API validation both use this."""
    return workflow.available(ticket.status, actor_kinds(ticket, user))


def find_contract(customer, site, asset, day) -> Contract | None:
    """The active contract covering the asset, else the site, else the customer's only customer-wide
    one; a report naming neither site nor unit gets the customer's only active contract."""
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
    if not candidates and site is None and asset is None:
        # Reported without a site or unit (a call about "the building"): the customer's only active
        # contract, whatever it covers, so its clocks still run (issue 8; the zone is the plan's default).
        candidates = list(active.distinct()[:2])
    return candidates[0] if len(candidates) == 1 else None


@transaction.atomic
def open_ticket(user, *, title, description="", channel="phone", severity=3, support_mode="on_site",
                serial="", customer=None, site=None, asset=None, reported_customer="",
                reporter_name="", reporter_phone="", reporter_email="", reported_at=None) -> Ticket:
    """Register a reported problem.  Never refuses a report for an unknown asset or customer:
    such a ticket is saved with `unverified=True` for the desk to resolve (requirements: a
    customer's report is never lost).  Who may report, and for whom, is "ticket.open": with the
    organisation scope (customer users) the request is always their own customer's.

    `reported_at`: when a letter, an e-mail or a call logged later was received — its clocks start
    then, not when it was typed in (issue 8).  Needs "ticket.backdate_report"; not in the future,
    at most REPORTED_AT_MAX_DAYS ago; recorded on the timeline with who typed it in and when.
    Raises PermissionDeniedError `not_permitted`, ServiceError `reported_at_future`, `reported_at_too_old`.
    """
    require(user, "ticket.open", message=_("You may not register service requests."))
    typed_at = timezone.now()
    if reported_at is not None:
        _check_reported_at(user, reported_at, typed_at)
    if permissions.scope_of(user, "ticket.open") == permissions.ORGANISATION:
        customer = getattr(user.organisation, "customer", None)
    serial = (serial or "").strip()
    if asset is None and serial:
        asset = Asset.objects.select_related("site__zone", "customer").filter(serial_no__iexact=serial).first()
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
    data = {"channel": channel, "severity": severity, "unverified": ticket.unverified}
    if reported_at is not None:  # the clocks read "at" (sla.services.clocks.event_of)
        data.update(at=reported_at.isoformat(), reported_at=reported_at.isoformat(), typed_at=typed_at.isoformat())
    event = record_event(ticket, EventKind.CREATED, user, body=description, to_status=ticket.status, data=data)
    if reported_at is not None:
        record_event(ticket, EventKind.NOTE, user, internal=True, data={"reported_at": reported_at.isoformat()},
                     body=_("Report received at %(received)s, registered at %(typed)s by %(who)s.") % {
                         "received": timezone.localtime(reported_at).strftime("%Y-%m-%d %H:%M"),
                         "typed": timezone.localtime(typed_at).strftime("%Y-%m-%d %H:%M"), "who": user.display_name})
    ticket_opened.send(sender=Ticket, ticket=ticket, actor=user, event=event)
    notifications.emit_ticket("ticket.reported", ticket, user, event=event)
    # Receivers (sla) derive next_due_at from the clocks they start and set it on `ticket` as stored.
    return ticket


@transaction.atomic
def mark_repeat(user, ticket: Ticket, previous: Ticket, *, at: dt.datetime, window_days: int) -> Ticket:
    """Link a new report to the earlier request on the same unit whose fix did not hold (issue 8,
    "a fix counts only if it stays fixed"): `ticket.repeat_of = previous`, a REPEAT_REPORTED entry on
    the new request and a FIX_NOT_HELD entry on the earlier one, at `at` (when the new report was
    received) — the sla app reads the latter as the earlier resolution target not kept.  Called by
    the intake hook (sla.services.recurrence) in the intake's transaction; both entries name the
    acting user.  Idempotent: a request already marked is left as it is.
    """
    if ticket.repeat_of_id is not None or previous.pk == ticket.pk:
        return ticket
    Ticket.objects.filter(pk=ticket.pk).update(repeat_of=previous)
    ticket.repeat_of = previous
    resolved = timezone.localtime(previous.resolved_at).strftime("%Y-%m-%d %H:%M") if previous.resolved_at else "—"
    values = {"new": ticket.number, "old": previous.number, "resolved": resolved, "n": window_days}
    record_event(ticket, EventKind.REPEAT_REPORTED, user,
                 body=_("Repeat of %(old)s (resolved %(resolved)s): the same unit failed again within "
                        "%(n)s days.") % values,
                 data={"repeat_of": previous.pk, "window_days": window_days, "at": at.isoformat()})
    record_event(previous, EventKind.FIX_NOT_HELD, user,
                 body=_("The fix did not hold: %(new)s reports the same unit again within %(n)s days of the "
                        "resolution (%(resolved)s); the resolution target counts as not kept.") % values,
                 data={"repeat": ticket.pk, "window_days": window_days, "at": at.isoformat()})
    return ticket


@transaction.atomic
def unmark_repeat(user, ticket: Ticket, *, reason: str) -> Ticket:
    """The desk judges a report linked as a repeat to be a different fault (issue 8: "the same fault"
    is only "the same unit" by rule): the link is removed, with the reason, on both timelines
    (REPEAT_UNLINKED), and the earlier resolution target counts as kept again (the sla app reads
    the entry as the recurrence withdrawn).  Raises `reason_required`, `not_a_repeat`; not_permitted.
    """
    _require_desk(user, _("Only the service desk may change a service request."), ticket)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Please give a reason."), "reason")
    ticket = lock_ticket(ticket)
    previous = ticket.repeat_of
    if previous is None:
        raise ServiceError("not_a_repeat", _("This request is not marked as a repeat."))
    Ticket.objects.filter(pk=ticket.pk).update(repeat_of=None)
    ticket.repeat_of = None
    values = {"new": ticket.number, "old": previous.number, "reason": reason}
    record_event(ticket, EventKind.REPEAT_UNLINKED, user,
                 body=_("Not a repeat of %(old)s: %(reason)s") % values,
                 data={"repeat_of": previous.pk, "reason": reason})
    record_event(previous, EventKind.REPEAT_UNLINKED, user,
                 body=_("%(new)s is not a repeat of this request (%(reason)s): the fix counts as kept again.") % values,
                 data={"repeat": ticket.pk, "reason": reason})
    return ticket


def _check_reported_at(user, reported_at, now) -> None:
    require(user, "ticket.backdate_report",
            message=_("You may not enter when a report was received; it counts from when it is registered."))
    if reported_at > now:
        raise ServiceError("reported_at_future", _("The time the report was received (reported at) lies in the "
                                                   "future."), "reported_at")
    limit = settings.REPORTED_AT_MAX_DAYS
    if reported_at < now - dt.timedelta(days=limit):
        raise ServiceError("reported_at_too_old", _("The time the report was received (reported at) may be at most "
                                                    "%(n)s days ago.") % {"n": limit}, "reported_at")


def lock_ticket(ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """Re-read the ticket under a row lock; refuse if the caller's version is stale (409)."""
    # of=("self",): lock only the ticket row; PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=ticket.pk)
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
                      event_kind: str = EventKind.TRANSITION, event_data: dict | None = None,
                      notify_context: dict | None = None) -> Ticket:
    """Move `ticket` along the declared workflow.

    `fields` are extra ticket fields the calling service sets with the move (e.g. the assignee).
    The move is announced to the notification policy as "ticket.<action>" (tickets.notifications),
    with `notify_context` as extra values for the messages' templates.
    Raises ServiceError with code `transition_not_allowed` / `reason_required` /
    `resolution_required`, or ConflictError on a stale version.
    """
    ticket = lock_ticket(ticket, expected_version)
    transition = check_action(ticket, user, action)
    if "reason" in transition.requires and not reason.strip():
        raise ServiceError("reason_required", _("Please give a reason."), "reason")
    if "resolution" in transition.requires and not (resolution or ticket.resolution).strip():
        raise ServiceError("resolution_required", _("Please describe how the problem was solved."), "resolution")
    before = ticket.status
    after = workflow.target_of(transition, before, ticket.resume_status)
    now = timezone.now()
    changes = dict(fields or {})
    changes["status"] = after
    if after in SIDE_STATES and before not in SIDE_STATES:
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
    notifications.emit_ticket(f"ticket.{action}", ticket, user, event=event, context=notify_context)
    return ticket


# --- Desk edits and verification -------------------------------------------------------------

EDITABLE_FIELDS = ("title", "description", "severity", "support_mode", "customer", "site", "asset")
PLACE_FIELDS = ("customer", "site", "asset")


def _require_desk(user, message, ticket=None) -> None:
    require(user, "ticket.edit", ticket, message)


def _snapshot(value):
    """A JSON-safe picture of a field value for the timeline's before/after."""
    if isinstance(value, models.Model):
        return {"id": value.pk, "label": str(value)}
    return value


def _resolve_place(customer, site, asset):
    """Make customer, site and asset agree: the asset decides its customer and (default) site.

    Raises ServiceError naming the field that disagrees.
    """
    if asset is not None:
        if customer is not None and asset.customer_id != customer.pk:
            raise ServiceError("asset_customer_mismatch", _("This asset belongs to another customer."), "asset")
        customer = asset.customer
        site = site or asset.site
    if site is not None:
        if customer is not None and site.customer_id != customer.pk:
            raise ServiceError("site_customer_mismatch", _("This site belongs to another customer."), "site")
        customer = site.customer
    return customer, site, asset


def _entitlement(customer, site, asset) -> dict:
    """Contract, service level and warranty that follow from where the fault is (P5.2, P8.3)."""
    today = timezone.localdate()
    contract = find_contract(customer, site, asset, today)
    return {
        "contract": contract,
        "service_level": contract.service_level if contract else "",
        "in_warranty": asset.in_warranty(today) if asset and asset.warranty_end else None,
    }


def _apply_changes(ticket, user, changes: dict, kind, *, extra_data=None, body="") -> Ticket:
    """Write `changes` on a locked ticket, bump its version and log before/after (internal)."""
    before = {name: _snapshot(getattr(ticket, name)) for name in changes}
    for name, value in changes.items():
        setattr(ticket, name, value)
    ticket.version += 1
    ticket.save(update_fields=[*changes, "version", "updated_at"])
    after = {name: _snapshot(getattr(ticket, name)) for name in changes}
    # Desk-side corrections are internal: they may name contracts or unverified reporter data.
    record_event(ticket, kind, user, body=body, internal=True,
                 data={"before": before, "after": after, **(extra_data or {})})
    return ticket


@transaction.atomic
def update_ticket(user, ticket: Ticket, expected_version: int | None, **fields) -> Ticket:
    """The desk corrects a request's details: title, description, severity (P5.1), support mode
    (P5.8), customer, site, asset.

    Only changed fields are written; a change of customer/site/asset re-derives the contract,
    service level and warranty.  One FIELDS_CHANGED event carries before/after.  Raises
    `version_required` / ConflictError (409) / PermissionDenied / ServiceError naming the field.
    """
    _require_desk(user, _("Only the service desk may change a service request."), ticket)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError("not_editable", _("These fields cannot be changed here: %(fields)s")
                           % {"fields": ", ".join(sorted(unknown))}, sorted(unknown)[0])
    if expected_version is None:
        raise ServiceError("version_required", _("Send the version you edited so concurrent edits are never overwritten."),
                           "version")
    ticket = lock_ticket(ticket, expected_version)
    if "title" in fields and not str(fields["title"] or "").strip():
        raise ServiceError("title_required", _("Please give a short title."), "title")
    changes = {name: value for name, value in fields.items() if getattr(ticket, name) != value}
    if any(name in PLACE_FIELDS for name in changes):
        place = {name: changes.get(name, getattr(ticket, name)) for name in PLACE_FIELDS}
        if "customer" in changes and "site" not in changes and place["site"] is not None \
                and place["customer"] is not None and place["site"].customer_id != place["customer"].pk:
            place["site"] = None  # a new customer drops the old customer's site unless one is given
        if "customer" in changes and "asset" not in changes and place["asset"] is not None \
                and place["customer"] is not None and place["asset"].customer_id != place["customer"].pk:
            place["asset"] = None
        customer, site, asset = _resolve_place(place["customer"], place["site"], place["asset"])
        derived = {"customer": customer, "site": site, "asset": asset, **_entitlement(customer, site, asset)}
        changes.update({name: value for name, value in derived.items() if getattr(ticket, name) != value})
    if not changes:
        return ticket
    return _apply_changes(ticket, user, changes, EventKind.FIELDS_CHANGED)


@transaction.atomic
def verify_ticket(user, ticket: Ticket, *, customer=None, site=None, asset=None,
                  expected_version: int | None = None) -> Ticket:
    """The desk resolves an unverified report: links it to a known customer (and site/asset),
    re-derives contract and service level, and clears the flag (VERIFIED event).

    Raises `not_unverified`, `customer_required`, mismatch errors naming the field, ConflictError.
    """
    _require_desk(user, _("Only the service desk may verify a report."), ticket)
    ticket = lock_ticket(ticket, expected_version)
    if not ticket.unverified:
        raise ServiceError("not_unverified", _("This report is already verified."))
    customer, site, asset = _resolve_place(customer or ticket.customer, site, asset)
    if customer is None:
        raise ServiceError("customer_required", _("Choose the customer (or the asset) this report belongs to."),
                           "customer")
    wanted = {"customer": customer, "site": site, "asset": asset, "unverified": False,
              **_entitlement(customer, site, asset)}
    changes = {name: value for name, value in wanted.items() if getattr(ticket, name) != value}
    return _apply_changes(ticket, user, changes, EventKind.VERIFIED,
                          extra_data={"reported_serial": ticket.reported_serial,
                                      "reported_customer": ticket.reported_customer})


# --- Conversation and evidence ----------------------------------------------------------------

def _require_visible(user, ticket) -> None:
    """Defence in depth: callers look tickets up through visible_to, services check again."""
    if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
        raise PermissionDeniedError("not_permitted", _("You may not work on this service request."))


@transaction.atomic
def add_comment(user, ticket: Ticket, body: str, internal: bool = False) -> TicketEvent:
    """An internal note (staff and dealers only) or a reply the customer sees.

    Customer users can only reply, never write internal notes.  Comments do not change the
    ticket's version, so a note never makes someone else's edit stale.
    """
    _require_visible(user, ticket)
    body = (body or "").strip()
    if not body:
        raise ServiceError("body_required", _("Please write something."), "body")
    require(user, "ticket.note" if internal else "ticket.reply", ticket,
            _("You may not write internal notes here.") if internal else _("You may not reply on this request."))
    kind = EventKind.NOTE if internal else EventKind.REPLY
    return record_event(ticket, kind, user, body=body, internal=bool(internal))


# P10.6: photos, video and documents as fault evidence.  The extension decides the stored type;
# the client's declared type is not trusted.  No SVG/HTML: they could run script when opened.
ATTACHMENT_TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
    "heic": "image/heic", "bmp": "image/bmp",
    "mp4": "video/mp4", "mov": "video/quicktime",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain",
}
INLINE_TYPES = frozenset(t for t in ATTACHMENT_TYPES.values() if t.startswith(("image/", "video/"))) | {"application/pdf"}


def attachment_type(filename: str) -> str | None:
    """The content type we store for `filename`, or None when its kind is not accepted."""
    _stem, dot, ext = (filename or "").rpartition(".")
    return ATTACHMENT_TYPES.get(ext.lower()) if dot else None


def validate_attachment(uploaded_file) -> str:
    """Check type and size; return the content type.  Errors name the field `file`."""
    content_type = attachment_type(uploaded_file.name)
    if content_type is None:
        raise ServiceError(
            "file_type_not_allowed",
            _("“%(name)s” cannot be attached: only images, MP4/MOV video, PDF, Office documents and text files are accepted.")
            % {"name": uploaded_file.name}, "file",
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ServiceError(
            "file_too_large",
            _("“%(name)s” is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"name": uploaded_file.name, "size": round(uploaded_file.size / 1048576, 1),
               "limit": round(limit / 1048576, 1)}, "file",
        )
    if uploaded_file.size == 0:
        raise ServiceError("file_empty", _("“%(name)s” is empty.") % {"name": uploaded_file.name}, "file")
    return content_type


@transaction.atomic
def add_attachment(user, ticket: Ticket, uploaded_file, internal: bool = False) -> Attachment:
    """Attach fault evidence (P10.6) with an ATTACHMENT timeline event.

    Accepts the types in ATTACHMENT_TYPES up to settings.ATTACHMENT_MAX_BYTES.  Customer users
    cannot add internal attachments.  Raises `file_type_not_allowed`, `file_too_large`, `file_empty`.
    """
    _require_visible(user, ticket)
    require(user, "ticket.note" if internal else "ticket.reply", ticket,
            _("You may not add internal attachments here.") if internal
            else _("You may not add attachments the customer sees."))
    content_type = validate_attachment(uploaded_file)
    name = os.path.basename(uploaded_file.name.replace("\\", "/"))[-255:]
    event = record_event(ticket, EventKind.ATTACHMENT, user, body=name, internal=bool(internal),
                         data={"name": name, "size": uploaded_file.size, "content_type": content_type})
    attachment = Attachment(ticket=ticket, event=event, original_name=name, content_type=content_type,
                            size=uploaded_file.size, internal=bool(internal), uploaded_by=user)
    attachment.file.save(unguessable_name(name.rpartition(".")[2]), uploaded_file, save=False)
    attachment.save()
    event.data["attachment_id"] = attachment.pk
    event.save(update_fields=["data"])
    return attachment


def void_reason(reason) -> str:
    """The reason a record is voided (required), stripped; shared by every service that voids evidence."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give the reason for voiding."), "reason")
    return reason


@transaction.atomic
def void_attachment(user, attachment: Attachment, *, reason: str) -> Attachment:
    """Void an attachment added in error (P13.9: evidence is never deleted within retention).

    The file stays; customers no longer see it, our people see it struck through with who voided
    it, when and why, and the timeline says so (an internal entry).  Roles with
    "ticket.void_evidence" only.  Raises `reason_required`, `already_void`; `not_permitted`.
    """
    attachment = Attachment.objects.select_for_update().select_related("ticket").get(pk=attachment.pk)
    ticket = attachment.ticket
    _require_visible(user, ticket)
    require(user, "ticket.void_evidence", ticket, _("You may not void attachments."))
    reason = void_reason(reason)
    if attachment.voided_at is not None:
        raise ServiceError("already_void", _("This attachment is already voided."))
    attachment.voided_at, attachment.voided_by, attachment.void_reason = timezone.now(), user, reason
    attachment.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record_event(ticket, EventKind.VOIDED, user, internal=True,
                 body=_("Attachment “%(name)s” voided: %(reason)s") % {"name": attachment.original_name,
                                                                      "reason": reason},
                 data={"record": "tickets.attachment", "id": attachment.pk, "reason": reason,
                       "name": attachment.original_name})
    return attachment


# --- Actions ---------------------------------------------------------------------------------

def check_action(ticket: Ticket, user, action: str) -> workflow.Transition:
    """Refuse an action the declared workflow does not allow now (400) or not for this user (403)."""
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
    return transition


@transaction.atomic
def perform_action(user, ticket: Ticket, action: str, **payload) -> Ticket:
    """Take one workflow action with its input (`reason`, `resolution`, `version`, and e.g.
    `assignee`/`dealer`/`appointment_at` for the actions higher apps own).

    Actions registered in signals.ACTION_HANDLERS (dispatch: assign, book_appointment,
    start_travel, arrive) go through their service so side records (visits) are kept; all others
    go straight to transition_ticket.  The workflow check runs first so every path refuses alike.
    """
    check_action(ticket, user, action)
    handler = ACTION_HANDLERS.get(action)
    if handler is not None:
        return handler(ticket, user, **payload)
    return transition_ticket(
        ticket, user, action, reason=str(payload.get("reason") or ""),
        resolution=str(payload.get("resolution") or ""), expected_version=parse_version(payload.get("version")),
    )


@transaction.atomic
def reassign_by_escalation(ticket: Ticket, engineer, *, reason: str) -> bool:
    """An escalation rule takes the request from its assignee (issue 3, "reassign").

    `engineer` takes over (the declared "reassign": status "assigned", the new engineer books
    again); None returns the request to the dispatch queue (the declared "return_to_queue": status
    "accepted", nobody assigned).  Both go through transition_ticket as the system actor, so the
    timeline names the system and the transition signal runs.  Returns False, changing nothing,
    when the engineer is already travelling or on site, or the request is not in a state the
    declared move starts from.
    """
    ticket = lock_ticket(ticket)
    action = "reassign" if engineer is not None else "return_to_queue"
    if ticket.status not in workflow.BY_ACTION[action].sources:
        return False
    before = {"assignee": ticket.assignee.display_name if ticket.assignee_id else None,
              "dealer": ticket.assigned_dealer.name if ticket.assigned_dealer_id else None}
    after = {"assignee": engineer.display_name if engineer is not None else None, "dealer": None}
    transition_ticket(ticket, permissions.system_user(), action, reason=reason,
                      fields={"assignee": engineer, "assigned_dealer": None}, event_kind=EventKind.ASSIGNED,
                      event_data={"action": "reassign", "transition": action, "before": before, "after": after})
    return True
