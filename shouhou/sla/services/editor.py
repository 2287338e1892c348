"""The service manager's plan editor (issue 8): drafts, targets, escalation ladders, versions, publishing.

Rules:
* A published plan is never edited in place: `new_version` copies it into a draft (same line,
  next version number); templates and drafts are edited in place.  Clocks keep pointing at the
  targets they were made from, so what a ticket was promised stays on record.
* The plan's `version` is the concurrency token of the whole plan: every write of the plan, a
  target or a rule names the version it was based on and moves it on (409 when stale).
* Publishing gives the version its effective instant.  Open tickets keep the version they were
  reported under (clocks.plan_for_ticket) unless the manager asks to recompute them; then each
  one is moved onto the new version and the recompute, with the reason, is on its timeline.
* Every change is in the plan's history (simple-history), with the user and the reason.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import require
from shouhou.core.audit import record_change, stamp
from shouhou.core.errors import ConflictError, ServiceError
from shouhou.tickets.choices import OPEN_STATES
from shouhou.tickets.models import Ticket

from ..choices import PlanStatus
from ..models import EscalationRule, PlanChoice, ServicePlan, Target
from .clocks import plan_for_ticket, sync_clocks

PLAN_FIELDS = ("name", "description", "source", "calendar", "pause_statuses", "zone_names", "base")
TARGET_FIELDS = ("kind", "name", "commitment", "amount", "unit", "calendar", "start_event", "stop_event",
                 "severities", "service_levels", "zones", "warranty", "order", "pause_statuses", "replaces")
RULE_FIELDS = ("target", "name", "level", "trigger", "share", "offset_minutes", "action", "reassign_to", "commitment")


def is_editable(plan: ServicePlan) -> bool:
    """Templates and drafts are edited in place; a published plan gets a new version instead."""
    return plan.is_template or plan.status == PlanStatus.DRAFT


def _check(user, plan: ServicePlan) -> None:
    require(user, "plan.edit", plan, _("Only service managers and administrators edit service plans."))
    if not is_editable(plan):
        raise ServiceError("plan_published", _("This version is published and cannot be changed; "
                                               "make a new version and edit that."), "plan")


def _advance(plan: ServicePlan, expected: int | None, user, reason: str, **columns) -> None:
    """Write `columns` and move the plan's version on, if it is still `expected` (None: the
    version just read); the change goes into the plan's history with the user and reason."""
    expected = plan.version if expected is None else expected
    if not ServicePlan.objects.filter(pk=plan.pk, version=expected).update(
            version=F("version") + 1, updated_at=timezone.now(), **columns):
        current = ServicePlan.objects.filter(pk=plan.pk).values_list("version", flat=True).first()
        raise ConflictError("stale_version", _("This plan was changed by someone else (now version %(current)s, "
                                               "you edited version %(expected)s). Reload and try again.")
                            % {"current": current, "expected": expected}, "version")
    plan.version = expected + 1
    record_change(stamp(plan, user, reason or _("Plan edited.")))


@transaction.atomic
def create_plan(user, *, name: str, contract=None, reason: str = "", **fields) -> ServicePlan:
    """A new draft plan (for a contract without a plan, or a variant of a base plan)."""
    require(user, "plan.edit", None, _("Only service managers and administrators edit service plans."))
    if contract is not None and ServicePlan.objects.filter(contract=contract).exists():
        raise ServiceError("contract_has_plan", _("This contract already has a service plan."), "contract")
    plan = ServicePlan(name=name, contract=contract, status=PlanStatus.DRAFT,
                       **{k: v for k, v in fields.items() if k in PLAN_FIELDS})
    plan.full_clean()
    stamp(plan, user, reason or _("Plan created.")).save()
    return plan


@transaction.atomic
def update_plan(user, plan: ServicePlan, fields: dict, *, version: int | None, reason: str = "") -> ServicePlan:
    _check(user, plan)
    for name, value in fields.items():
        if name in PLAN_FIELDS:
            setattr(plan, name, value)
    plan.full_clean(exclude=["contract"])
    columns = {ServicePlan._meta.get_field(f).attname: None for f in fields if f in PLAN_FIELDS}
    _advance(plan, version, user, reason, **{c: getattr(plan, c) for c in columns})
    return plan


def _save_row(user, plan, row, fields: dict, allowed, version, reason):
    _check(user, plan)
    for name, value in fields.items():
        if name in allowed:
            setattr(row, name, value)
    row.plan = plan
    row.full_clean(exclude=["plan"])
    _advance(plan, version, user, reason)
    stamp(row, user, reason or _("Plan edited.")).save()
    return row


@transaction.atomic
def save_target(user, plan: ServicePlan, target: Target | None, fields: dict, *, version: int | None,
                reason: str = "") -> Target:
    """Add (target None) or change a target of an editable plan."""
    if target is not None and target.plan_id != plan.pk:
        raise ServiceError("wrong_plan", _("The target belongs to another plan."), "target")
    replaces = fields.get("replaces")
    if replaces is not None and (plan.base_id is None or replaces.pk not in _base_target_ids(plan)):
        raise ServiceError("not_a_base_target", _("A target can only override a target of the base plan."),
                           "replaces")
    return _save_row(user, plan, target or Target(), fields, TARGET_FIELDS, version, reason)


def _base_target_ids(plan: ServicePlan) -> set[int]:
    from .clocks import effective_targets

    return {t.pk for t in effective_targets(plan.base)} if plan.base_id else set()


@transaction.atomic
def save_rule(user, plan: ServicePlan, rule: EscalationRule | None, fields: dict, *, version: int | None,
              reason: str = "") -> EscalationRule:
    """Add (rule None) or change a level of the plan's escalation ladder."""
    if rule is not None and rule.plan_id != plan.pk:
        raise ServiceError("wrong_plan", _("The rule belongs to another plan."), "rule")
    return _save_row(user, plan, rule or EscalationRule(), fields, RULE_FIELDS, version, reason)


@transaction.atomic
def delete_row(user, plan: ServicePlan, row: Target | EscalationRule, *, version: int | None, reason: str = "") -> None:
    """Remove a target or rule of a draft or template (a published version keeps its rows)."""
    _check(user, plan)
    if row.plan_id != plan.pk:
        raise ServiceError("wrong_plan", _("The row belongs to another plan."))
    if isinstance(row, Target) and row.clocks.exists():
        raise ServiceError("target_in_use", _("Requests were measured by this target; it cannot be removed."))
    _advance(plan, version, user, reason)
    stamp(row, user, reason or _("Plan edited.")).delete()


@transaction.atomic
def new_version(user, plan: ServicePlan, *, reason: str = "") -> ServicePlan:
    """A draft copy of a published plan: the next version of its line, to edit and publish."""
    require(user, "plan.edit", plan, _("Only service managers and administrators edit service plans."))
    if is_editable(plan):
        raise ServiceError("already_draft", _("This plan is a draft already: edit it directly."))
    head = plan.head
    number = (ServicePlan.objects.filter(line=head).aggregate(n=Max("revision"))["n"] or head.revision) + 1
    reason = reason or _("New version %(n)s drafted from version %(m)s.") % {"n": number, "m": plan.revision}
    draft = stamp(ServicePlan(
        name=plan.name, source=plan.source, description=plan.description, calendar=plan.calendar,
        pause_statuses=list(plan.pause_statuses), zone_names=dict(plan.zone_names), created_from=plan.created_from,
        base=plan.base, status=PlanStatus.DRAFT, revision=number, line=head), user, reason)
    draft.save()
    mapping = {}
    for t in plan.targets.all():
        mapping[t.pk] = stamp(Target(plan=draft, **{f: getattr(t, f) for f in TARGET_FIELDS}), user, reason)
        mapping[t.pk].save()
    for r in plan.escalations.all():
        values = {f: getattr(r, f) for f in RULE_FIELDS}
        values["target"] = mapping.get(r.target_id)
        stamp(EscalationRule(plan=draft, **values), user, reason).save()
    from .plan_terms import copy_terms

    copy_terms(plan, draft, mapping, user, reason)
    return draft


@transaction.atomic
def publish(user, plan: ServicePlan, *, effective_from: datetime | None = None, recompute: bool = False,
            reason: str = "", version: int | None = None) -> dict:
    """Publish a draft from `effective_from` (default now).  With `recompute`, open requests of the
    line move onto this version now, each with the reason on its timeline; returns how many."""
    require(user, "plan.publish", plan, _("Only service managers and administrators publish service plans."))
    if plan.is_template or plan.status != PlanStatus.DRAFT:
        raise ServiceError("not_a_draft", _("Only a draft version can be published."))
    now = timezone.now()
    effective = effective_from or now
    reason = reason or _("Version %(n)s of “%(plan)s” published.") % {"n": plan.revision, "plan": plan.name}
    plan.status, plan.effective_from = PlanStatus.PUBLISHED, effective
    _advance(plan, version, user, reason, status=plan.status, effective_from=effective)
    moved = recompute_onto(user, plan, reason) if recompute else 0
    return {"plan": plan, "recomputed": moved}


def recompute_onto(user, plan: ServicePlan, reason: str) -> int:
    """Move every open request measured by another version of `plan`'s line onto `plan` and
    recompute its clocks (sync_clocks records the reason and the changed due times)."""
    head = plan.head
    tickets = Ticket.objects.filter(status__in=OPEN_STATES)
    tickets = tickets.filter(contract_id=head.contract_id) if head.contract_id else tickets
    count = 0
    for ticket in tickets.order_by("pk").iterator():
        current = plan_for_ticket(ticket)
        if current is None or current.head.pk != head.pk or current.pk == plan.pk:
            continue
        PlanChoice.objects.update_or_create(ticket=ticket, defaults={"plan": plan})
        sync_clocks(ticket, actor=user, reason=reason, record=True)
        count += 1
    return count
