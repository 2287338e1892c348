"""The clock scan: mark breaches and fire escalations, once each (issue 3; P5.5, P6.3, P13.2).

`scan_due_clocks(now)` is what the worker runs (shouhou.sla.tasks.scan_clocks).  It works in
bounded batches of tickets, each in its own transaction under the ticket's row lock, and is
idempotent: a fired escalation is logged under a unique key (ticket:target:rule), so two
workers or two scans never fire it twice.  Timers survive restarts: whatever fell due while no
worker ran is found by the next scan (the query is "due at or before now").
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.choices import Role
from shouhou.accounts.models import User
from shouhou.accounts.permissions import require, system_user
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Ticket
from shouhou.tickets.notifications import emit_ticket, local
from shouhou.tickets.services import reassign_by_escalation, record_event

from ..choices import Action, ClockState, LoanerStatus
from ..models import Clock, FiredEscalation, LoanerTask
from .clocks import fire_key, sync_clocks, sync_ticket

ROLE_OF_ACTION = {
    Action.NOTIFY_DISPATCHER: (Role.DISPATCHER,),
    Action.NOTIFY_MANAGER: (Role.DISPATCHER, Role.ADMIN),
    Action.NOTIFY_LEADERSHIP: (Role.LEADERSHIP,),
    Action.REASSIGN: (Role.DISPATCHER,),
    Action.OPEN_LOANER: (Role.DISPATCHER,),
}


def _notify(users, *, subject: str, body: str, dedupe_key: str, payload: dict, about=None) -> int:
    """The one place this app sends notifications: the outbox (e-mail to users, and every active
    webhook), written in the caller's transaction so nothing leaves before commit.  `about` (the
    ticket) decides who may read the messages in the outbox."""
    from shouhou.notify.services import notify_users, notify_webhooks

    rows = notify_users(users, subject=subject, body=body, dedupe_key=dedupe_key, payload=payload, about=about)
    rows += notify_webhooks(subject=subject, body=body, dedupe_key=dedupe_key, payload=payload, about=about)
    return len(rows)


def _recipients(ticket: Ticket, action: str):
    users = []
    if action == Action.NOTIFY_ASSIGNEE:
        if ticket.assignee_id:
            users.append(ticket.assignee)
        if ticket.assigned_dealer_id:
            users += list(User.objects.filter(organisation_id=ticket.assigned_dealer_id, is_active=True,
                                              role=Role.DEALER_STAFF))
        if not users:  # nobody assigned yet: the dispatchers must hear of it
            users = list(User.objects.filter(role=Role.DISPATCHER, is_active=True))
    roles = ROLE_OF_ACTION.get(action, ())
    if roles:
        users += list(User.objects.filter(role__in=roles, is_active=True).order_by("pk"))
    return users


def _message(ticket: Ticket, clock: Clock, rule, instant: datetime) -> tuple[str, str]:
    local_due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") if clock.due_at else "—"
    subject = _("[%(level)s] %(number)s %(clock)s — %(rule)s") % {
        "level": _("Escalation %(n)s") % {"n": rule.level}, "number": ticket.number, "clock": clock.name,
        "rule": rule.name,
    }
    # The rule's commitment ID travels in the message's data, not in the text people read (issue 10).
    body = _("Service request %(number)s “%(title)s”: %(clock)s is due at %(due)s (state: %(state)s). "
             "Action: %(action)s.") % {
        "number": ticket.number, "title": ticket.title, "clock": clock.name, "due": local_due,
        "state": clock.get_state_display(), "action": rule.get_action_display(),
    }
    return subject, body


def _fire(ticket: Ticket, clock: Clock, rule, instant: datetime, now: datetime) -> bool:
    """Fire one escalation exactly once; False when another scan already fired it."""
    key = fire_key(ticket.pk, clock.target_id, rule.pk)
    try:
        with transaction.atomic():
            FiredEscalation.objects.create(key=key, ticket=ticket, clock=clock, rule=rule, action=rule.action,
                                           scheduled_for=instant, fired_at=now)
    except IntegrityError:
        return False
    subject, body = _message(ticket, clock, rule, instant)
    data = {"clock": clock.name, "rule": rule.name, "level": rule.level, "action": rule.action,
            "commitment": rule.commitment, "scheduled_for": instant.isoformat(), "clock_id": clock.pk}
    if rule.action == Action.OPEN_LOANER:
        task = LoanerTask.objects.create(
            ticket=ticket, clock=clock, commitment=rule.commitment or "P5.5, P13.2", opened_at=now,
            # P5.5, P13.2: the loaner promise (the commitment ID is kept in `commitment`, not in the note)
            note=_("Not resolved in time: provide an equivalent unit free of charge until fixed."),
        )
        data["loaner_task"] = task.pk
    recipients = _recipients(ticket, rule.action)
    if rule.action == Action.REASSIGN:
        recipients += [u for u in (ticket.assignee, rule.reassign_to) if u is not None]  # relieved and taking over
    record_event(ticket, EventKind.ESCALATION, system_user(), body=subject, data=data, internal=True)
    if rule.action == Action.REASSIGN and reassign_by_escalation(ticket, rule.reassign_to, reason=subject):
        sync_clocks(ticket, now=now)  # the new status restarts or stops clocks (e.g. arrangement)
    payload = {"ticket": ticket.number, "ticket_id": ticket.pk, **data}
    _notify(recipients, subject=subject, body=body, dedupe_key=f"sla:{key}", payload=payload, about=ticket)
    if clock.due_at is None or instant < clock.due_at:  # before the due time: a warning to the people on it
        emit_ticket("sla.warning", ticket, None, dedupe=f"sla-warning:{key}", context={
            "clock": clock.name, "due": local(clock.due_at), "rule": rule.name, "level": rule.level})
    return True


def _mark_breaches(ticket: Ticket, before: dict[int, str], clocks: list[Clock]) -> int:
    count = 0
    for clock in clocks:
        if clock.state == ClockState.BREACHED and before.get(clock.pk) != ClockState.BREACHED:
            key = f"breach:{ticket.pk}:{clock.target_id}"
            try:
                with transaction.atomic():
                    FiredEscalation.objects.create(key=key, ticket=ticket, clock=clock, action="",
                                                   scheduled_for=clock.due_at or timezone.now(),
                                                   fired_at=timezone.now())
            except IntegrityError:
                continue
            record_event(ticket, EventKind.ESCALATION, system_user(), internal=True,
                         body=_("%(clock)s breached (due %(due)s).") % {
                             "clock": clock.name,
                             "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") if clock.due_at else "—"},
                         data={"clock": clock.name, "clock_id": clock.pk, "breached": True})
            emit_ticket("sla.breach", ticket, None, dedupe=f"sla-{key}",
                        context={"clock": clock.name, "due": local(clock.due_at)})
            count += 1
    return count


def scan_ticket(ticket_id: int, now: datetime) -> dict:
    """Bring one ticket's clocks up to `now` and fire what is due; one transaction, row-locked."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None:
            return {"breached": 0, "fired": 0}
        before = dict(Clock.objects.filter(ticket=ticket).values_list("pk", "state"))
        synced = sync_ticket(ticket, now=now)  # one evaluation serves the sync and the escalations
        clocks = synced.clocks
        breached = _mark_breaches(ticket, before, clocks)
        fired = 0
        if synced.compiled is not None:
            from .clocks import pending_escalations

            by_target = {c.target_id: c for c in clocks}
            for instant, rule, clock in pending_escalations(ticket, synced.plan, by_target, synced.compiled.rules_by_key,
                                                            synced.results, list(synced.compiled.escalations)):
                if instant <= now and clock is not None:
                    fired += _fire(ticket, clock, rule, instant, now)
            if fired:
                sync_clocks(ticket, now=now)  # the next escalation instant moves on
        return {"breached": breached, "fired": fired}


def due_ticket_ids(now: datetime, limit: int) -> list[int]:
    """Tickets with a running clock past due or an escalation instant reached (index-backed)."""
    due = Q(state=ClockState.RUNNING, due_at__lte=now) | Q(next_escalation_at__lte=now)
    ids = Clock.objects.filter(due).order_by("due_at").values_list("ticket_id", flat=True)[: limit * 4]
    return list(dict.fromkeys(ids))[:limit]


def scan_due_clocks(now: datetime | None = None, *, batch_size: int = 200, max_batches: int = 50) -> dict:
    """Mark breaches and fire escalations for everything due at `now`, in bounded batches.

    Idempotent: running it twice fires nothing the second time.  Returns counts.
    """
    now = now or timezone.now()
    totals = {"tickets": 0, "breached": 0, "fired": 0}
    seen: set[int] = set()
    for _batch in range(max_batches):
        ids = [i for i in due_ticket_ids(now, batch_size) if i not in seen]
        if not ids:
            break
        for ticket_id in ids:
            seen.add(ticket_id)
            result = scan_ticket(ticket_id, now)
            totals["tickets"] += 1
            totals["breached"] += result["breached"]
            totals["fired"] += result["fired"]
    return totals


@transaction.atomic
def close_loaner_task(user, task: LoanerTask, *, provided: bool, note: str = "") -> LoanerTask:
    """Mark a loaner task done (unit provided) or not needed; records the clock event when provided."""
    from shouhou.core.errors import ServiceError

    from .clocks import record_milestone

    task = LoanerTask.objects.select_for_update().select_related("ticket").get(pk=task.pk)
    require(user, "ticket.close_loaner", task.ticket, _("Only service staff close loaner tasks."))
    if task.status != LoanerStatus.OPEN:
        raise ServiceError("already_closed", _("This loaner task is already closed."))
    task.status = LoanerStatus.DONE if provided else LoanerStatus.CANCELLED
    task.closed_at, task.closed_by = timezone.now(), user
    task.note = "\n".join(filter(None, [task.note, note]))
    task.save(update_fields=["status", "closed_at", "closed_by", "note"])
    if provided:
        record_milestone(user, task.ticket, "loaner_provided", note=note)
    return task


@transaction.atomic
def void_loaner_task(user, task: LoanerTask, *, reason: str) -> LoanerTask:
    """Void a loaner task opened in error: it stays (evidence for P5.5/P13.2, kept per P13.9),
    shown as voided, with who, when and why on the ticket's timeline.  Desk roles only.

    Raises ServiceError `reason_required`, `already_void`; PermissionDeniedError `not_permitted`.
    """
    from shouhou.core.errors import ServiceError

    require(user, "loaner.void", task.ticket, _("Only the desk and dispatchers void loaner tasks."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give the reason for voiding."), "reason")
    task = LoanerTask.objects.select_for_update().get(pk=task.pk)
    if task.status == LoanerStatus.VOID:
        raise ServiceError("already_void", _("This loaner task is already voided."))
    before = task.status
    task.status, task.void_reason = LoanerStatus.VOID, reason
    task.closed_at, task.closed_by = timezone.now(), user
    task.save(update_fields=["status", "void_reason", "closed_at", "closed_by"])
    record_event(task.ticket, EventKind.VOIDED, user, internal=True,
                 body=_("Loaner task voided: %(reason)s") % {"reason": reason},
                 data={"record": "sla.loanertask", "id": task.pk, "reason": reason,
                       "before": {"status": before}, "after": {"status": task.status}})
    return task
