"""Service plans: templates from the seed plans, and contracts' plans built from them (issue 3)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from shouhou.accounts.permissions import may
from shouhou.contracts.models import Contract
from shouhou.core.audit import stamp
from shouhou.core.errors import PermissionDeniedError, ServiceError

from ..models import EscalationRule, PlanClauses, ServicePlan, Target, WorkingCalendar
from ..plan_templates import PENDING_CUSTOMER, TEMPLATES
from .plan_terms import CLAUSE_FIELDS

_TARGET_FIELDS = ("kind", "name", "commitment", "amount", "unit", "calendar_id", "start_event", "stop_event",
                  "severities", "service_levels", "zones", "warranty", "order", "pause_statuses")


@transaction.atomic
def seed_plan_templates() -> int:
    """Create the P5/P8/P13/P14 templates that do not exist yet (by source); returns how many."""
    calendar = WorkingCalendar.objects.filter(code="cn-5x8").first()
    created = 0
    for spec in TEMPLATES:
        if ServicePlan.objects.filter(is_template=True, source=spec["source"]).exists():
            continue
        plan = ServicePlan.objects.create(name=spec["name"], source=spec["source"], is_template=True,
                                          description=spec["description"], calendar=calendar,
                                          pause_statuses=list(PENDING_CUSTOMER))
        clauses: dict = spec.get("clauses") or {}  # type: ignore[attr-defined]
        PlanClauses.objects.create(plan=plan, **clauses)
        by_key = {}
        for order, t in enumerate(spec["targets"]):
            by_key[t["key"]] = Target.objects.create(
                plan=plan, order=order, kind=t["kind"], name=t["name"], commitment=t.get("commitment", ""),
                amount=Decimal(t["amount"]), unit=t["unit"], start_event=t["start_event"],
                stop_event=t["stop_event"], severities=t.get("severities", []),
                service_levels=t.get("service_levels", []), zones=t.get("zones", []),
                warranty=t.get("warranty", "any"))
        for e in spec["escalations"]:
            EscalationRule.objects.create(
                plan=plan, target=by_key.get(e.get("target")), name=e["name"], level=e["level"],
                trigger=e["trigger"], share=Decimal(e["share"]) if e.get("share") else None,
                offset_minutes=e.get("offset_minutes"), action=e["action"], commitment=e.get("commitment", ""))
        created += 1
    return created


def can_manage_plans(user) -> bool:
    """Dispatchers / service managers and admins build contracts' plans."""
    return may(user, "plan.manage")


@transaction.atomic
def create_plan_from_template(user, template: ServicePlan, contract: Contract, *, name: str = "") -> ServicePlan:
    """Copy a template's targets, escalation rules and clauses into a new plan attached to `contract`.

    Clocks of the contract's open tickets are recomputed (and the recomputation recorded in
    their timelines).  The plan, its targets and rules start their change history with `user`.
    Raises ServiceError `not_permitted`, `not_a_template`, `contract_has_plan`.
    """
    if not can_manage_plans(user):
        raise PermissionDeniedError("not_permitted", _("Only service managers and administrators set up service plans."))
    if not template.is_template:
        raise ServiceError("not_a_template", _("Choose a plan template."), "template")
    if ServicePlan.objects.filter(contract=contract).exists():
        raise ServiceError("contract_has_plan", _("This contract already has a service plan."), "contract")
    plan = stamp(ServicePlan(
        name=name or f"{contract.number} {template.name}", contract=contract, source=template.source,
        description=template.description, calendar=template.calendar, pause_statuses=list(template.pause_statuses),
        zone_names=dict(template.zone_names), created_from=template), user)
    plan.save()
    sources = list(template.targets.all())
    copies = bulk_create_with_history(  # each copy starts its history too, in one statement per table
        [stamp(Target(plan=plan, **{f: getattr(t, f) for f in _TARGET_FIELDS}), user) for t in sources], Target)
    mapping = {source.pk: copy for source, copy in zip(sources, copies, strict=True)}
    clauses = PlanClauses.objects.filter(plan=template).first()
    if clauses is not None:  # the template's clauses come with it (accept_is_contact, signatures …)
        stamp(PlanClauses(plan=plan, **{f: getattr(clauses, f) for f in CLAUSE_FIELDS}), user).save()
    bulk_create_with_history([stamp(EscalationRule(
        plan=plan, target=mapping.get(rule.target_id), name=rule.name, level=rule.level, trigger=rule.trigger,
        share=rule.share, offset_minutes=rule.offset_minutes, action=rule.action,
        reassign_to_id=rule.reassign_to_id, commitment=rule.commitment), user) for rule in template.escalations.all()],
        EscalationRule)
    recompute_contract_clocks(user, contract, _("Service plan “%(plan)s” attached to the contract.") % {"plan": plan.name})
    return plan


def recompute_contract_clocks(user, contract: Contract, reason: str) -> int:
    """Recompute the clocks of the contract's open tickets, recording why; returns how many tickets."""
    from shouhou.tickets.choices import OPEN_STATES
    from shouhou.tickets.models import Ticket

    from .clocks import sync_clocks

    count = 0
    for ticket in Ticket.objects.filter(contract=contract, status__in=OPEN_STATES).order_by("pk").iterator():
        sync_clocks(ticket, actor=user, reason=reason, record=True)
        count += 1
    return count
