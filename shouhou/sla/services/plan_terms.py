"""The plan's terms beyond targets and ladders, in the editor and the API (issue 8): a target's
penalty, the plan's monthly penalty cap, its zone rules and its clauses.

Same rules as targets (services/editor.py): only drafts and templates are written, every write
names the plan's version and moves it on (409 when stale), every change is in the history with
the user and the reason; `copy_terms` carries them into a new version.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.audit import stamp
from shouhou.core.errors import ServiceError

from ..models import PlanClauses, PlanPenaltyCap, PlanZoneRule, ServicePlan, Target, TargetPenalty
from .editor import _advance, _check

PENALTY_FIELDS = ("rate", "basis", "cap_per_ticket")
CAP_FIELDS = ("monthly_cap", "monthly_cap_share", "monthly_fee")
CLAUSE_FIELDS = ("unsigned_is_not_done", "leave_needs_consent", "loaner_until_resolved", "accept_is_contact", "recurrence_days",
                 "appointment_window", "appointment_days", "appointment_hours", "appointment_skip_holidays")
ZONE_RULE_FIELDS = ("zone", "province", "city", "district", "order")


def _one(user, plan, model, lookup: dict, fields: dict | None, allowed, version, reason):
    """Write (fields) or remove (None) the single row of `model` found by `lookup`."""
    _check(user, plan)
    row = model.objects.filter(**lookup).first()
    if fields is None:
        if row is not None:
            _advance(plan, version, user, reason)
            stamp(row, user, reason or _("Plan edited.")).delete()
        return None
    row = row or model(**lookup)
    for name in allowed:
        if name in fields:
            setattr(row, name, fields[name])
    row.full_clean(exclude=list(lookup))
    _advance(plan, version, user, reason)
    stamp(row, user, reason or _("Plan edited.")).save()
    return row


@transaction.atomic
def save_penalty(user, plan: ServicePlan, target: Target, fields: dict | None, *, version: int | None,
                 reason: str = "") -> TargetPenalty | None:
    """Set the target's penalty ("30 CNY for every started hour late"), or remove it (None)."""
    if target.plan_id != plan.pk:
        raise ServiceError("wrong_plan", _("The target belongs to another plan."), "target")
    return _one(user, plan, TargetPenalty, {"target": target}, fields, PENALTY_FIELDS, version, reason)


@transaction.atomic
def save_cap(user, plan: ServicePlan, fields: dict | None, *, version: int | None,
             reason: str = "") -> PlanPenaltyCap | None:
    """Set the plan's monthly penalty cap, or remove it (None or all empty)."""
    if fields is not None and all(fields.get(f) is None for f in CAP_FIELDS):
        fields = None
    return _one(user, plan, PlanPenaltyCap, {"plan": plan}, fields, CAP_FIELDS, version, reason)


@transaction.atomic
def save_clauses(user, plan: ServicePlan, fields: dict, *, version: int | None, reason: str = "") -> PlanClauses:
    row = _one(user, plan, PlanClauses, {"plan": plan}, fields, CLAUSE_FIELDS, version, reason)
    assert row is not None
    return row


@transaction.atomic
def save_zone_rule(user, plan: ServicePlan, rule: PlanZoneRule | None, fields: dict, *, version: int | None,
                   reason: str = "") -> PlanZoneRule:
    """Add (rule None) or change a zone rule: sites in this province / city / district lie in `zone`."""
    _check(user, plan)
    if rule is not None and rule.plan_id != plan.pk:
        raise ServiceError("wrong_plan", _("The rule belongs to another plan."), "rule")
    rule = rule or PlanZoneRule(plan=plan)
    for name in ZONE_RULE_FIELDS:
        if name in fields:
            setattr(rule, name, fields[name] if fields[name] is not None else "")
    rule.full_clean(exclude=["plan"])
    _advance(plan, version, user, reason)
    stamp(rule, user, reason or _("Plan edited.")).save()
    return rule


@transaction.atomic
def replace_zone_rules(user, plan: ServicePlan, rows: list[dict], *, version: int | None,
                       reason: str = "") -> None:
    """The plan's zone rules become `rows` (the API writes the list whole)."""
    _check(user, plan)
    _advance(plan, version, user, reason)
    for old in plan.zone_rules.all():
        stamp(old, user, reason or _("Plan edited.")).delete()
    for row in rows:
        save_zone_rule(user, plan, None, row, version=None, reason=reason)


def copy_terms(plan: ServicePlan, draft: ServicePlan, targets: dict[int, Target], user, reason: str) -> None:
    """A new version keeps the old one's penalties, monthly cap, zone rules and clauses."""
    for penalty in TargetPenalty.objects.filter(target__plan=plan):
        if penalty.target_id in targets:
            stamp(TargetPenalty(target=targets[penalty.target_id], **{f: getattr(penalty, f) for f in PENALTY_FIELDS}),
                  user, reason).save()
    for model, allowed in ((PlanPenaltyCap, CAP_FIELDS), (PlanClauses, CLAUSE_FIELDS)):
        row = model.objects.filter(plan=plan).first()
        if row is not None:
            stamp(model(plan=draft, **{f: getattr(row, f) for f in allowed}), user, reason).save()
    for rule in plan.zone_rules.all():
        stamp(PlanZoneRule(plan=draft, **{f: getattr(rule, f) for f in ZONE_RULE_FIELDS}), user, reason).save()
