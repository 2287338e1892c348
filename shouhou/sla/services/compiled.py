"""A service plan compiled once per plan version: its pure rules, targets, escalation ladder and
zone rules, cached in the process (issue 9: intake must not read the plan on every report).

The cache key is the plan row's (id, version, updated_at): every change made through the plan
services (editor, plan terms, publish) moves the version on, and a published version is never
edited in place — so a worker whose cache holds an older version recompiles on the next ticket.
Calendars are shared by many plans and edited on their own (holidays), so each use checks the
compiled plan's calendars against their stored (version, updated_at) in one small query.

Rows written directly (admin actions, data migrations, tests) clear the cache of this process
through the model signals connected in `connect()`; other processes see such writes when the
plan's version moves on.  The cache holds at most MAX_PLANS plans.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from .. import evaluate as ev
from .. import zones

MAX_PLANS = 256
_CACHE: dict[tuple, CompiledPlan] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class CompiledPlan:
    plan_id: int
    pure: ev.Plan
    targets: dict  # target id -> Target row
    rules_by_key: dict  # target id -> ev.Rule
    escalations: tuple  # EscalationRule rows, the ladder of escalations_for(plan)
    fallback_calendar_id: int | None  # for working-time targets without their own calendar
    zone_rules: tuple  # pure zone rules (models_zones.PlanZoneRule.pure())
    calendars: tuple[tuple, ...]  # (id, version, updated_at, known_until) of every calendar used
    clauses: tuple[bool, bool]  # (accept_is_contact, unsigned_is_not_done), as clocks.ticket_events reads them


def _key(plan) -> tuple:
    return (plan.pk, plan.version, plan.updated_at.isoformat() if plan.updated_at else "")


def _stamp(calendar) -> tuple:
    return (calendar.pk, calendar.version, calendar.updated_at.isoformat() if calendar.updated_at else "",
            str(calendar.known_until))


def _compile(plan) -> CompiledPlan:
    from ..models_clauses import clauses_of
    from .clocks import default_calendar, effective_targets, escalations_for, plan_calendar, plan_rules

    pure, targets = plan_rules(plan)
    fallback = plan_calendar(plan) or default_calendar()
    used = {t.calendar.pk: t.calendar for t in effective_targets(plan) if t.calendar_id}
    if fallback is not None:
        used[fallback.pk] = fallback
    clauses = clauses_of(plan)
    return CompiledPlan(
        plan_id=plan.pk, pure=pure, targets=targets, rules_by_key={r.key: r for r in pure.rules},
        escalations=tuple(escalations_for(plan)), fallback_calendar_id=getattr(fallback, "pk", None),
        zone_rules=tuple(r.pure() for r in plan.zone_rules.select_related("zone").all()),
        calendars=tuple(sorted(_stamp(c) for c in used.values())),
        clauses=(bool(clauses is not None and clauses.accept_is_contact),
                 bool(clauses is not None and clauses.unsigned_is_not_done)),
    )


def _calendars_current(compiled: CompiledPlan) -> bool:
    from ..models import WorkingCalendar

    if not compiled.calendars:
        return True
    rows = WorkingCalendar.objects.filter(pk__in=[c[0] for c in compiled.calendars]).order_by("pk")
    return tuple(_stamp(c) for c in rows.only("id", "version", "updated_at", "known_until")) == compiled.calendars


def compiled_plan(plan) -> CompiledPlan:
    """The compiled form of `plan` (a ServicePlan row as just read): from the cache when the
    plan's version and its calendars are unchanged, else compiled and cached.  A plan row read
    by clocks.plan_for_ticket carries `calendars_stamp` (every calendar's versions in one value,
    read in the same query); without it the calendars are checked with one query."""
    stamp = getattr(plan, "calendars_stamp", None)
    key = (*_key(plan), stamp)
    compiled = _CACHE.get(key)
    if compiled is not None and (stamp is not None or _calendars_current(compiled)):
        return compiled
    compiled = _compile(plan)
    with _LOCK:
        if len(_CACHE) >= MAX_PLANS:
            _CACHE.clear()
        for old in [k for k in _CACHE if k[0] == plan.pk]:
            del _CACHE[old]
        _CACHE[key] = compiled
    return compiled


def site_zone_compiled(site, compiled: CompiledPlan) -> str | None:
    """clocks.site_zone with the plan's zone rules from the compiled plan."""
    if site is not None and site.zone_id:
        return site.zone.code
    place = zones.Place(site.province, site.city, site.district) if site is not None else None
    return zones.resolve_zone(list(compiled.zone_rules), place)


def clear(*_args, **_kwargs) -> None:
    """Forget every compiled plan of this process (a plan row written outside the services)."""
    with _LOCK:
        _CACHE.clear()


def connect() -> None:
    from ..models import EscalationRule, ServicePlan, Target, WorkingCalendar
    from ..models_clauses import PlanClauses
    from ..models_zones import PlanZoneRule

    for model in (ServicePlan, Target, EscalationRule, WorkingCalendar, PlanClauses, PlanZoneRule):
        uid = f"sla.compiled.{model.__name__}"
        post_save.connect(clear, sender=model, dispatch_uid=uid + ".save", weak=False)
        post_delete.connect(clear, sender=model, dispatch_uid=uid + ".delete", weak=False)
