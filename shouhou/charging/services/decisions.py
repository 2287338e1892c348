"""Entitlement on a service request: decided from its unit and contract, with the reason in words.

Decided when the request is opened (tickets.signals.ticket_opened, in its transaction) and again
on demand (a new acceptance date, a corrected contract) unless someone overrode it; an override
needs "entitlement.override" and a reason.  Each decision or override is one row of the
entitlement's audit history (who, when, before → after, why).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shouhou.assets.services import warranty_terms
from shouhou.assets.warranty import FROM_DAY_AFTER_ACCEPTANCE
from shouhou.core import audit
from shouhou.core.errors import ServiceError
from shouhou.core.services import require, require_reason, require_visible
from shouhou.tickets.models import Ticket

from .. import entitlement as ent
from ..choices import EntitlementStatus, LineKind
from ..models import ChargingRule, TicketEntitlement


def rule_for_ticket(ticket: Ticket) -> ChargingRule | None:
    """The charging rule of the request's contract, else the default rule (None: none set up)."""
    if ticket.contract_id:
        rule = ChargingRule.objects.filter(contract_id=ticket.contract_id).first()
        if rule is not None:
            return rule
    return ChargingRule.objects.filter(is_default=True).order_by("pk").first()


def reported_on(ticket: Ticket) -> date:
    return timezone.localdate(ticket.created_at) if ticket.created_at else timezone.localdate()


def terms_of(ticket: Ticket, rule: ChargingRule | None) -> ent.Terms | None:
    """The facts of the decision (None: the request names no unit)."""
    asset = ticket.asset
    if asset is None:
        return None
    months, start_rule = warranty_terms(asset)
    contract = ticket.contract
    return ent.Terms(
        acceptance=asset.acceptance_date, warranty_months=months, start_rule=start_rule,
        latent_defect_months=rule.latent_defect_months if rule else 0,
        maintenance=bool(rule and rule.maintenance and contract is not None),
        maintenance_from=contract.start_date if contract else None,
        maintenance_until=contract.end_date if contract else None,
        contract=contract.number if contract else "",
        coverage=ent.coverage_from(rule.coverage) if rule else dict(ent.DEFAULT_COVERAGE),
    )


def _length(months: int) -> str:
    if months % 12 == 0:
        return ngettext("%(n)s year", "%(n)s years", months // 12) % {"n": months // 12}
    return ngettext("%(n)s month", "%(n)s months", months) % {"n": months}


def kinds_text(kinds) -> str:
    labels = dict(LineKind.choices)
    return "、".join(str(labels[k]) for k in LineKind.values if k in kinds)


def reason_text(decision: ent.Decision | None) -> str:
    """The decision as people read it, e.g. 在保修期内，至 2027-05-02（验收日期 2025-05-03 起 2 年）。"""
    if decision is None:
        return _("No unit is named on the request, so no warranty applies: the work is charged.")
    terms = decision.terms
    assert terms is not None
    end, acceptance, warranty_end = decision.period_end, terms.acceptance, decision.warranty_end
    if decision.status == ent.WARRANTY and end and acceptance:
        values = {"end": end.isoformat(), "acceptance": acceptance.isoformat(),
                  "length": _length(terms.warranty_months)}
        if terms.start_rule == FROM_DAY_AFTER_ACCEPTANCE:
            text = _("In warranty until %(end)s (%(length)s from the day after the acceptance date %(acceptance)s).")
        else:
            text = _("In warranty until %(end)s (%(length)s from the acceptance date %(acceptance)s).")
        text = text % values
    elif decision.status == ent.LATENT_DEFECT and end and warranty_end:
        text = _("In the latent-defect period until %(end)s (%(length)s after the warranty ended on %(warranty_end)s).") % {
            "end": end.isoformat(), "length": _length(terms.latent_defect_months),
            "warranty_end": warranty_end.isoformat()}
    elif decision.status == ent.MAINTENANCE:
        values = {"contract": terms.contract, "end": decision.period_end.isoformat() if decision.period_end else ""}
        text = (_("In the maintenance period of contract %(contract)s until %(end)s.") if decision.period_end
                else _("In the lifelong maintenance period of contract %(contract)s.")) % values
    elif terms.acceptance is None:
        text = _("The unit has no acceptance date, so no warranty has started: the work is charged.")
    elif decision.warranty_start and decision.on < decision.warranty_start:
        text = _("The warranty starts on %(start)s: the work is charged.") % {"start": decision.warranty_start.isoformat()}
    elif decision.warranty_end:
        text = _("The warranty ended on %(end)s: the work is charged.") % {"end": decision.warranty_end.isoformat()}
    else:
        text = _("No warranty applies: the work is charged.")
    if decision.status != ent.UNCOVERED:
        coverage = (_("Free of charge: %(kinds)s.") % {"kinds": kinds_text(decision.covered)} if decision.covered
                    else _("Every line is charged by the charging rule."))
        # Translators: two sentences; Chinese runs them together without a space.
        text = _("%(decision)s %(coverage)s") % {"decision": text, "coverage": coverage}
    return text


@transaction.atomic
def decide_entitlement(ticket: Ticket, user=None) -> TicketEntitlement:
    """Decide (or decide again) who pays on `ticket`; an overridden entitlement is left as it is."""
    existing = TicketEntitlement.objects.select_for_update().filter(ticket=ticket).first()
    if existing is not None and existing.overridden:
        return existing
    rule = rule_for_ticket(ticket)
    day = reported_on(ticket)
    terms = terms_of(ticket, rule)
    decision = ent.decide(terms, day) if terms is not None else None
    values = {
        "status": decision.status if decision else ent.UNCOVERED,
        "covered": sorted(decision.covered) if decision else [],
        "period_end": decision.period_end if decision else None,
        "reason": reason_text(decision), "decided_on": day, "rule": rule,
    }
    record = existing or TicketEntitlement(ticket=ticket)
    if existing is not None and all(getattr(existing, k) == v for k, v in values.items()):
        return existing
    for name, value in values.items():
        setattr(record, name, value)
    audit.stamp(record, user, _("Decided from the unit's warranty and the contract."))
    record.save()
    return record


@transaction.atomic
def override_entitlement(user, record: TicketEntitlement, *, status: str, covered, reason: str) -> TicketEntitlement:
    """Replace the decision (e.g. goodwill, a disputed warranty settled by the technical department).
    Needs "entitlement.override" on the request and a reason.  Raises ServiceError `bad_status`."""
    require_visible(user, Ticket, record.ticket, "ticket")
    require(user, "entitlement.override", record.ticket)
    reason = require_reason(reason)
    if status not in EntitlementStatus.values:
        raise ServiceError("bad_status", _("Unknown entitlement %(status)s.") % {"status": status}, "status")
    kinds = sorted(set(covered or ()))
    if any(k not in ent.DEFAULT_COVERAGE[ent.WARRANTY] for k in kinds):
        raise ServiceError("bad_covered", _("Covered kinds are labour, parts and travel."), "covered")
    record = TicketEntitlement.objects.select_for_update().get(pk=record.pk)
    record.status, record.covered, record.overridden = status, kinds, True
    record.overridden_by, record.override_reason = user, reason
    record.reason = _("Overridden by %(who)s: %(reason)s") % {"who": user.display_name, "reason": reason}
    audit.stamp(record, user, reason)
    record.save()
    return record


def on_ticket_opened(sender, ticket, actor=None, **kwargs):
    """tickets.signals.ticket_opened: decide the new request's entitlement in its transaction."""
    decide_entitlement(ticket, actor)
