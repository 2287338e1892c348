"""Clocks on tickets: derive them from the timeline, store them, recompute them (issue 3).

`sync_clocks` is the one function that writes Clock rows.  It reads the ticket's facts and
event log, runs the pure evaluation (evaluate.py) and upserts the result, so a clock is always
what the log says — never a counter that drifted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import require
from shouhou.core.errors import ServiceError
from shouhou.tickets.choices import EventKind, Status
from shouhou.tickets.models import Ticket, TicketEvent
from shouhou.tickets.services import lock_ticket, record_event

from .. import evaluate as ev
from .. import signoff
from ..choices import MANUAL_EVENTS, Action, ClockEvent, ClockState, PlanStatus, Trigger
from ..models import Clock, EscalationRule, FiredEscalation, PlanChoice, ServicePlan, Target, WorkingCalendar
from ..models_clauses import clauses_of
from .compiled import CompiledPlan, compiled_plan, site_zone_compiled
from .next_due import refresh_next_due

_CAL_CACHE: dict[tuple[int, int, str], object] = {}

# Ticket status after an event → the clock events it carries.  The desk's Accept carries
# "contacted" too only where the plan says so (clause accept_is_contact, models_clauses.py).
STATUS_EVENTS = {
    Status.NEW: (ClockEvent.RECEIVED,),
    Status.ACCEPTED: (ClockEvent.ACCEPTED,),
    Status.ASSIGNED: (ClockEvent.ASSIGNED,),
    Status.ON_SITE: (ClockEvent.ARRIVED,),
    Status.RESOLVED: (ClockEvent.RESOLVED,),
    Status.CUSTOMER_CONFIRMED: (ClockEvent.CONFIRMED,),
    Status.CLOSED: (ClockEvent.CLOSED,),
    Status.CANCELLED: ("cancelled",),
    Status.REOPENED: ("reopened",),
}
KIND_EVENTS = {
    EventKind.CREATED: (ClockEvent.RECEIVED,),
    EventKind.REPLY: (ClockEvent.CONTACTED,),
    EventKind.VISIT_ARRIVED: (ClockEvent.ARRIVED,),
    EventKind.FAULT_REPORT: (ClockEvent.REPORT_SUBMITTED,),
    # Booking (or changing) the visit time: the job is arranged with the customer (issue 8).  An
    # assignment is not "arranged": it is the forwarding a P6.3 "arranged within 2 hours" clock
    # starts from ("assigned"), so a dealer arranges by booking the visit or recording it by hand.
    EventKind.APPOINTMENT: (ClockEvent.APPOINTMENT_BOOKED, ClockEvent.ARRANGED),
    EventKind.FIX_NOT_HELD: (ev.RECURRED,),  # the plan's recurrence window (issue 8)
    EventKind.REPEAT_UNLINKED: (ev.RECURRENCE_WITHDRAWN,),  # the desk: a different fault after all
}
# Facts whose change recomputes clocks, recorded in the timeline with the reason.
FACT_FIELDS = ("severity", "service_level", "site", "site_id", "contract", "contract_id", "in_warranty", "zone")


def calendar_value(calendar: WorkingCalendar):
    """The pure WorkCalendar of a row, cached per (id, version, updated_at)."""
    key = (calendar.pk, calendar.version, calendar.updated_at.isoformat() if calendar.updated_at else "")
    value = _CAL_CACHE.get(key)
    if value is None:
        if len(_CAL_CACHE) > 64:
            _CAL_CACHE.clear()
        value = calendar.to_worktime()
        _CAL_CACHE[key] = value
    return value


def default_calendar() -> WorkingCalendar | None:
    return WorkingCalendar.objects.filter(is_default=True).order_by("pk").first() or \
        WorkingCalendar.objects.order_by("pk").first()


def plan_in_effect(head: ServicePlan, at: datetime) -> ServicePlan:
    """The published version of `head`'s line in effect at `at` (the latest effective_from <= at;
    the first version has no effective instant and is in effect until a later one is)."""
    later = (ServicePlan.objects.filter(line=head, status=PlanStatus.PUBLISHED, effective_from__lte=at)
             .order_by("-effective_from", "-revision").first())
    return later or head


def _calendars_stamp() -> RawSQL:
    """One value that changes whenever any calendar is edited through the services (they move its
    version on), added or removed — read with the plan, so a compiled plan is checked for free."""
    table = WorkingCalendar._meta.db_table
    return RawSQL(  # noqa: S611 - fixed SQL, no parameters
        "SELECT COALESCE(SUM(version), 0) || ':' || COUNT(*) || ':' || COALESCE(CAST(MAX(updated_at) AS TEXT), '')"  # noqa: S608
        f" || ':' || COALESCE(CAST(MAX(known_until) AS TEXT), '') FROM {table}", [], output_field=CharField())


def plan_for_ticket(ticket: Ticket, *, new: bool = False) -> ServicePlan | None:
    """The plan version that measures `ticket`; None means the ticket has no clocks.

    The contract's plan (else the default plan) in the version in effect when the ticket was
    reported — so an open ticket keeps the version its clocks were made from when a new one is
    published — unless the manager recomputed the ticket onto a version (PlanChoice) of that line.
    `new`: the ticket was created in this transaction, so it has no PlanChoice to look up.
    A contract's plan and its later versions come in one query, with the calendars' stamp
    (`calendars_stamp`, see compiled.py).
    """
    at = ticket.created_at or timezone.now()
    head = in_effect = None
    if ticket.contract_id:
        cid = ticket.contract_id
        rows = list(ServicePlan.objects.filter(status=PlanStatus.PUBLISHED)
                    .filter(Q(contract_id=cid) | Q(line__contract_id=cid, effective_from__lte=at))
                    .annotate(calendars_stamp=_calendars_stamp()))
        head = next((p for p in rows if p.contract_id == cid), None)
        if head is not None:
            later = [p for p in rows if p.pk != head.pk and p.line_id == head.pk and p.effective_from is not None]
            in_effect = max(later, key=lambda p: (p.effective_from, p.revision), default=head)
    if head is None:
        head = (ServicePlan.objects.filter(is_default=True, is_template=False, status=PlanStatus.PUBLISHED)
                .order_by("pk").first())
    if head is None:
        return None
    chosen = None if new else PlanChoice.objects.filter(ticket_id=ticket.pk).select_related("plan").first()
    if chosen is not None and chosen.plan.head.pk == head.pk:
        return chosen.plan
    return in_effect or plan_in_effect(head, at)


def effective_targets(plan: ServicePlan) -> list[Target]:
    """A plan's targets with its base plan's resolved in (issue 8, variants): the base's targets,
    except those a target of this plan overrides (`replaces`), then this plan's own."""
    own = list(plan.targets.select_related("calendar").all())
    if plan.base_id is None:
        return own
    replaced = {t.replaces_id for t in own if t.replaces_id}
    inherited = [t for t in effective_targets(plan.base) if t.pk not in replaced]
    return inherited + own


def plan_calendar(plan: ServicePlan) -> WorkingCalendar | None:
    """The plan's calendar, else its base plan's."""
    current: ServicePlan | None = plan
    while current is not None:
        if current.calendar_id:
            return current.calendar
        current = current.base
    return None


def plan_pauses(plan: ServicePlan) -> list[str]:
    """The plan's pausing statuses, else (a variant that names none) its base plan's."""
    if plan.pause_statuses or plan.base_id is None:
        return list(plan.pause_statuses or ())
    return plan_pauses(plan.base)


def rule_for(target: Target, plan: ServicePlan, fallback: WorkingCalendar | None) -> ev.Rule:
    calendar = target.calendar or fallback
    return ev.Rule(
        key=target.pk, amount=target.amount, unit=target.unit, start_event=target.start_event,
        stop_event=target.stop_event, calendar=calendar_value(calendar) if calendar else None,
        kind=target.kind, name=target.name, severities=frozenset(int(s) for s in target.severities or ()),
        levels=frozenset(target.service_levels or ()), zones=frozenset(target.zones or ()), warranty=target.warranty,
        pauses=None if target.pause_statuses is None else frozenset(target.pause_statuses),
    )


def plan_rules(plan: ServicePlan) -> tuple[ev.Plan, dict[int, Target]]:
    """The pure plan (effective targets, variants resolved) and its targets by id."""
    targets = effective_targets(plan)
    fallback = plan_calendar(plan) or default_calendar()
    rules = tuple(rule_for(t, plan, fallback) for t in targets if not t.unit.startswith("working") or fallback
                  or t.calendar)
    clauses = clauses_of(plan)
    if clauses is not None and clauses.unsigned_is_not_done:  # resolution counts once signed off (issue 8)
        rules = tuple(replace(r, stop_event=signoff.SIGNED_OFF) if r.stop_event == ClockEvent.RESOLVED else r
                      for r in rules)
    return ev.Plan(rules=rules, pause_statuses=frozenset(plan_pauses(plan))), {t.pk: t for t in targets}


def ticket_zone(ticket: Ticket, plan: ServicePlan | None) -> str | None:
    """The site's hand-set zone; else the plan's zone rules by the site's province / city /
    district; a ticket without a site gets the plan's default zone (issue 8, models_zones.py)."""
    return site_zone(ticket.site if ticket.site_id else None, plan)


def site_zone(site, plan: ServicePlan | None) -> str | None:
    """The zone of a site (or of no site) under `plan`: what tickets and the preview both use."""
    if site is not None and site.zone_id:
        return site.zone.code
    if plan is None:
        return None
    from .. import zones

    rules = [r.pure() for r in plan.zone_rules.select_related("zone").all()]
    place = zones.Place(site.province, site.city, site.district) if site is not None else None
    return zones.resolve_zone(rules, place)


def ticket_facts(ticket: Ticket, plan: ServicePlan | None = None) -> ev.Facts:
    zone = ticket_zone(ticket, plan if plan is not None else plan_for_ticket(ticket))
    return ev.Facts(severity=int(ticket.severity), service_level=ticket.service_level or "",
                    zone=zone, in_warranty=ticket.in_warranty)


def event_of(row: TicketEvent, *, accept_is_contact: bool = False) -> ev.Event:
    """A timeline row as an evaluation event (clock events + status after it); with
    `accept_is_contact` (the plan's clause) the desk's Accept also counts as "contacted"."""
    names = set(KIND_EVENTS.get(row.kind, ()))
    if row.to_status and row.to_status != row.from_status:
        names.update(STATUS_EVENTS.get(row.to_status, ()))
        if accept_is_contact and row.to_status == Status.ACCEPTED:
            names.add(ClockEvent.CONTACTED)
    data = row.data or {}
    if data.get("sla_event"):
        names.add(data["sla_event"])
    at = row.created_at
    if data.get("at"):
        at = parse_datetime(data["at"]) or at
    label = row.get_kind_display()
    if row.to_status and row.to_status != row.from_status:
        label = f"{label}: {Status(row.to_status).label}" if row.to_status in Status.values else label
    return ev.Event(at=at, names=frozenset(names), status=row.to_status or None, label=str(label), ref=row.pk)


def ticket_events(ticket: Ticket, plan: ServicePlan | None = None, *, rows: list[TicketEvent] | None = None,
                  clauses: tuple[bool, bool] | None = None) -> list[ev.Event]:
    """The ticket's timeline as evaluation events, read the way `plan`'s clauses say (issue 8):
    the desk's Accept counts as "contacted" only with `accept_is_contact`, and "signed_off" is
    derived for "an unsigned service record counts as not done".  `rows`: the timeline already in
    memory (a ticket just opened); `clauses`: (accept_is_contact, unsigned_is_not_done) when the
    caller knows them (the compiled plan), else they are read."""
    if rows is None:
        rows = list(TicketEvent.objects.filter(ticket_id=ticket.pk).order_by("created_at", "id")
                    .only("id", "kind", "created_at", "from_status", "to_status", "data"))
    if clauses is None:
        found = clauses_of(plan)
        clauses = (found is not None and found.accept_is_contact, found is not None and found.unsigned_is_not_done)
    accept, unsigned = clauses
    events = [event_of(row, accept_is_contact=accept) for row in rows]
    if unsigned:
        changed = [(e.at, row.kind, row.to_status if row.to_status != row.from_status else None)
                   for e, row in zip(events, rows, strict=True)]
        events += [ev.Event(at=at, names=frozenset({signoff.SIGNED_OFF}), label=str(_("Work signed off")))
                   for at in signoff.signed_off_instants(sorted(changed, key=lambda r: r[0]))]
    return events


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _escalation_instant(rule: EscalationRule, pure: ev.Rule, result: ev.ClockResult) -> datetime | None:
    if rule.trigger == Trigger.SHARE:
        return ev.instant_at_share(pure, result, rule.share)
    if result.due_at is None:
        return None
    return result.due_at + timedelta(minutes=rule.offset_minutes or 0)


def escalations_for(plan: ServicePlan) -> list[EscalationRule]:
    """The plan's escalation ladder; a variant also keeps its base plan's rules for the targets
    it does not override (and the base's plan-wide rules when it has none of its own)."""
    own = list(EscalationRule.objects.filter(plan=plan).order_by("level", "id"))
    if plan.base_id is None:
        return own
    kept = {t.pk for t in effective_targets(plan)}
    inherited = [r for r in escalations_for(plan.base)
                 if (r.target_id in kept) or (r.target_id is None and not any(o.target_id is None for o in own))]
    return sorted(own + inherited, key=lambda r: (r.level, r.pk))


def pending_escalations(ticket, plan, clocks_by_target, rules_by_key, results, escalations=None, *, fired=None):
    """(instant, rule, clock) for every escalation not yet fired on an open clock (`fired`: the
    keys already fired, when the caller knows them — none for a ticket just opened)."""
    escalations = escalations_for(plan) if escalations is None else escalations
    if not escalations:
        return []
    if fired is None:
        fired = set(FiredEscalation.objects.filter(ticket=ticket).values_list("key", flat=True))
    out = []
    for target_id, result in results.items():
        if not result.is_open or result.stopped_at is not None:
            continue
        for rule in escalations:
            if rule.target_id not in (None, target_id) or fire_key(ticket.pk, target_id, rule.pk) in fired:
                continue
            instant = _escalation_instant(rule, rules_by_key[target_id], result)
            if instant is not None:
                out.append((instant, rule, clocks_by_target.get(target_id)))
    return sorted(out, key=lambda row: row[0])


def fire_key(ticket_id, target_id, rule_id) -> str:
    return f"{ticket_id}:{target_id}:{rule_id}"


def _fields(result: ev.ClockResult, target: Target, pure: ev.Rule, calendar_id) -> dict:
    late = -result.margin.total_seconds() if result.margin is not None and result.margin < timedelta(0) else None
    return {
        "kind": target.kind, "name": target.name, "unit": target.unit, "calendar_id": calendar_id,
        "state": result.state, "started_at": result.started_at, "due_at": result.due_at,
        "stopped_at": result.stopped_at, "resumed_at": result.resumed_at,
        "budget_seconds": result.budget.total_seconds(), "consumed_seconds": result.consumed.total_seconds(),
        "used_seconds": result.used.total_seconds(), "paused_seconds": result.paused.total_seconds(),
        "pauses": [[_iso(s), _iso(e)] for s, e in result.pauses], "late_seconds": late,
        "recurred_at": result.recurred_at,
    }


@dataclass
class Synced:
    """What one sync computed: the clocks after it, and the evaluation they came from (so the
    escalation scanner needs no second evaluation)."""

    clocks: list[Clock]
    plan: ServicePlan | None = None
    compiled: CompiledPlan | None = None
    results: dict = field(default_factory=dict)


def sync_clocks(ticket: Ticket, *, actor=None, reason: str = "", now: datetime | None = None,
                record: bool = False) -> list[Clock]:
    """Recompute every clock of `ticket` from its timeline and store the result.

    Targets that no longer apply (severity, level, zone, warranty or contract changed) have their
    clock withdrawn (state cancelled; kept as evidence, P13.9).  With `record=True` and any due time changed, the recomputation is appended to the
    timeline (EventKind.CLOCKS) with `reason` and before/after due times.  Call inside the
    transaction of the change that caused it.  Returns the ticket's clocks after the sync.
    """
    return sync_ticket(ticket, actor=actor, reason=reason, now=now, record=record).clocks


def open_clocks(ticket: Ticket, event: TicketEvent, *, actor=None, now: datetime | None = None) -> Synced:
    """The clocks of a ticket that was just opened, evaluated from memory (issue 9): `ticket` is
    the row open_ticket created and `event` its "created" entry, so nothing is read back — no
    stored clocks, no timeline, no plan choice, no fired escalations can exist yet.  The ticket's
    `next_due_at` is written and set on the instance."""
    return sync_ticket(ticket, actor=actor, now=now, opened=event)


def sync_ticket(ticket: Ticket, *, actor=None, reason: str = "", now: datetime | None = None,
                record: bool = False, opened: TicketEvent | None = None) -> Synced:
    """sync_clocks, returning the evaluation as well (Synced)."""
    now = now or timezone.now()
    if opened is None:
        ticket = Ticket.objects.select_related("site__zone").get(pk=ticket.pk)
    plan = plan_for_ticket(ticket, new=opened is not None)
    existing = {} if opened is not None else {c.target_id: c for c in Clock.objects.filter(ticket=ticket)}
    results: dict = {}
    compiled = compiled_plan(plan) if plan is not None else None
    if compiled is not None:
        facts = ev.Facts(severity=int(ticket.severity), service_level=ticket.service_level or "",
                         zone=site_zone_compiled(ticket.site if ticket.site_id else None, compiled),
                         in_warranty=ticket.in_warranty)
        rows = [opened] if opened is not None else None
        results = ev.evaluate(compiled.pure, facts, ticket_events(ticket, plan, rows=rows,
                                                                  clauses=compiled.clauses), now)
    targets = compiled.targets if compiled else {}
    # A clock withdrawn earlier (cancelled, its target no longer applying) is no change now.
    before = {tid: (c.name, _iso(c.due_at), c.state) for tid, c in existing.items()
              if tid in results or c.state != ClockState.CANCELLED}
    gone = [c for tid, c in existing.items() if tid not in results and c.state != ClockState.CANCELLED]
    if gone:
        # Evidence stays (P13.9): a clock whose target no longer applies is withdrawn, not deleted,
        # so a breach cannot be erased by reclassifying the request.  It comes back to life if
        # the target applies again (same ticket and target).
        Clock.objects.filter(pk__in=[c.pk for c in gone]).update(state=ClockState.CANCELLED, next_escalation_at=None)
    clocks: dict[int, Clock] = {}
    fallback_id = compiled.fallback_calendar_id if compiled else None
    for target_id, result in results.items():
        target = targets[target_id]
        calendar_id = (target.calendar_id or fallback_id) if target.unit.startswith("working") else None
        fields = _fields(result, target, compiled.rules_by_key[target_id], calendar_id)
        clock = existing.get(target_id)
        if clock is None:
            clock = Clock(ticket=ticket, target=target, **fields)  # inserted below, in one statement
        else:
            for name, value in fields.items():
                setattr(clock, name, value)
        clocks[target_id] = clock
    pending = []
    if compiled is not None:
        pending = pending_escalations(ticket, plan, clocks, compiled.rules_by_key, results, list(compiled.escalations),
                                      fired=set() if opened is not None else None)
    next_at = {}
    for instant, _rule, clock in pending:
        if clock is not None and clock.target_id not in next_at:
            next_at[clock.target_id] = instant
    new = []
    for target_id, clock in clocks.items():
        clock.next_escalation_at = next_at.get(target_id)
        if clock.pk is None:
            new.append(clock)
        else:
            clock.save()
    if new:
        Clock.objects.bulk_create(new)
    from .penalties import settle_compensations  # a late stop writes its compensation (issue 8)

    settle_compensations(ticket, clocks.values(), actor=actor)
    after = {tid: (c.name, _iso(c.due_at), c.state) for tid, c in clocks.items()}
    if record and before != after and (before or after):
        changes = [{"clock": (after.get(t) or before.get(t))[0], "before": before.get(t, (None, None))[1],
                    "after": after.get(t, (None, None))[1]} for t in sorted(set(before) | set(after))
                   if before.get(t, (None, None))[1] != after.get(t, (None, None))[1]]
        if changes:
            record_event(ticket, EventKind.CLOCKS, actor, body=reason, internal=True,
                         data={"reason": reason, "changes": changes})
    if opened is not None:
        due = min((c.due_at for c in clocks.values() if c.due_at is not None and _counts_for_next_due(c)), default=None)
        if due != ticket.next_due_at:
            Ticket.objects.filter(pk=ticket.pk).update(next_due_at=due)  # derived: no version, no updated_at
            ticket.next_due_at = due
    else:
        refresh_next_due([ticket.pk])
    ordered = sorted(clocks.values(), key=lambda c: (c.due_at is None, c.due_at or now, c.pk or 0))
    return Synced(clocks=ordered, plan=plan, compiled=compiled, results=results)


def _counts_for_next_due(clock: Clock) -> bool:
    """next_due.DUE_CLOCKS for one clock in memory."""
    return clock.state == ClockState.RUNNING or (clock.state == ClockState.BREACHED and clock.stopped_at is None)


def explain_clock(clock: Clock, now: datetime | None = None) -> ev.ClockResult | None:
    """The clock recomputed with its explanation: the events that started, paused, resumed and
    stopped it, with clock (working) time and wall time side by side."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_related("site__zone").get(pk=clock.ticket_id)
    plan = plan_for_ticket(ticket)
    _pure_plan, _targets = plan_rules(plan) if plan is not None else (ev.Plan(rules=()), {})
    rule = next((r for r in _pure_plan.rules if r.key == clock.target_id), None)
    if rule is None:  # the ticket moved to another version: explain on the target's own plan
        _pure_plan, _targets = plan_rules(clock.target.plan)
        rule = next((r for r in _pure_plan.rules if r.key == clock.target_id), None)
    if rule is None:
        return None
    events = sorted(ticket_events(ticket, plan), key=lambda e: e.at)
    pauses = _pure_plan.pause_statuses if rule.pauses is None else rule.pauses
    return ev.evaluate_rule(rule, pauses, events, now, explain=True)


@transaction.atomic
def record_milestone(user, ticket: Ticket, event: str, *, at: datetime | None = None, note: str = "",
                     expected_version: int | None = None) -> TicketEvent:
    """Record a milestone — a clock event the workflow does not produce (customer contacted,
    solution proposed, arranged, parts ordered, parts on site, loaner provided, inspection done,
    report submitted, followed up) — and update the clocks.  The clocks panel, the engineer's
    job card and POST /api/v1/tickets/{id}/milestones/ all come here.

    `at` may back-date the event (a call made before it was typed in) but not into the future.
    `expected_version`: the version of the request the caller saw (409 `stale_version` when it
    changed since).
    Raises ServiceError `unknown_event`, `future_event`, `not_permitted`.
    """
    if event not in MANUAL_EVENTS:
        raise ServiceError("unknown_event", _("Unknown clock event: %(e)s") % {"e": event}, "event")
    if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
        raise ServiceError("not_found", _("No such service request."))
    require(user, "ticket.record_clock", ticket, _("Only service staff record clock events."))
    ticket = lock_ticket(ticket, expected_version)
    now = timezone.now()
    if at is not None and at > now:
        raise ServiceError("future_event", _("The time lies in the future."), "at")
    data = {"sla_event": event}
    if at is not None:
        data["at"] = at.isoformat()
    row = record_event(ticket, EventKind.MILESTONE, user, body=note or str(ClockEvent(event).label), data=data)
    sync_clocks(ticket, actor=user, now=now)
    return row


__all__ = [
    "Action", "calendar_value", "default_calendar", "effective_targets", "explain_clock", "open_clocks", "plan_in_effect", "fire_key", "pending_escalations",
    "plan_for_ticket", "plan_rules", "record_milestone", "sync_clocks", "sync_ticket", "ticket_events", "ticket_facts",
]
