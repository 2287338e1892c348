"""Issue 3 escalation action "reassign": P6.3 — the desk checks a forwarded task after the agreed
time and escalates; here a rule takes a request from an engineer who has not moved in time."""

from __future__ import annotations

from decimal import Decimal

from shouhou.sla.choices import Action, Trigger
from shouhou.sla.models import EscalationRule, Target
from shouhou.sla.services import scan_due_clocks
from shouhou.tickets.choices import EventKind

from .conftest import act, open_fault, sh


def reassign_rule(contract, engineer=None):
    plan = contract.service_plan
    arrival = Target.objects.get(plan=plan, kind="arrival")
    return EscalationRule.objects.create(plan=plan, target=arrival, name="到场超半程未出发：改派", level=2,
                                         trigger=Trigger.SHARE, share=Decimal("0.5"), action=Action.REASSIGN,
                                         reassign_to=engineer, commitment="P6.3")


def assigned_fault(world, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    ticket = act(ticket, world.dispatcher, "accept")
    return act(ticket, world.dispatcher, "assign", fields={"assignee": world.engineer})


def test_reassign_rule_hands_the_request_to_the_named_engineer(world, p13_contract, frozen):
    reassign_rule(p13_contract, engineer=world.engineer2)
    ticket = assigned_fault(world, frozen)
    frozen.set(sh(2026, 3, 2, 11, 1))  # half of P13's 2 h to arrive
    scan_due_clocks()
    ticket.refresh_from_db()
    assert ticket.assignee_id == world.engineer2.pk and ticket.status == "assigned"
    # the system acts, and the timeline names it (issue 6: an explicit system actor, never nobody)
    event = ticket.events.filter(kind=EventKind.ASSIGNED, actor__username="system").get()
    assert event.actor.role == "system"
    assert event.data["action"] == "reassign" and event.data["after"]["assignee"] == world.engineer2.display_name
    scan_due_clocks()  # a second scan fires nothing again
    assert ticket.events.filter(kind=EventKind.ASSIGNED, actor__username="system").count() == 1


def test_reassign_rule_without_an_engineer_returns_the_request_to_the_queue(world, p13_contract, frozen):
    reassign_rule(p13_contract)
    ticket = assigned_fault(world, frozen)
    frozen.set(sh(2026, 3, 2, 11, 1))
    scan_due_clocks()
    ticket.refresh_from_db()
    assert ticket.assignee_id is None and ticket.status == "accepted"


def test_reassign_never_pulls_an_engineer_who_is_on_the_way(world, p13_contract, frozen):
    reassign_rule(p13_contract, engineer=world.engineer2)
    ticket = assigned_fault(world, frozen)
    ticket = act(ticket, world.engineer, "start_travel")
    frozen.set(sh(2026, 3, 2, 11, 1))
    scan_due_clocks()
    ticket.refresh_from_db()
    assert ticket.assignee_id == world.engineer.pk and ticket.status == "en_route"
    assert ticket.events.filter(kind=EventKind.ESCALATION).exists()  # still escalated and notified


def test_reassignment_is_a_declared_transition_with_its_signal(world, p13_contract, frozen):
    """Issue 7: the escalation's reassignment runs through transition_ticket as the system actor, so
    the transition signal (clocks, notifications) hears of it like any other move."""
    from shouhou.tickets.signals import ticket_transitioned

    reassign_rule(p13_contract)
    assigned_fault(world, frozen)
    heard = []

    def listener(sender, ticket, actor, event, transition, **kwargs):
        heard.append((transition.action, actor.username, event.from_status, event.to_status))

    ticket_transitioned.connect(listener, dispatch_uid="test-reassign-signal")
    try:
        frozen.set(sh(2026, 3, 2, 11, 1))
        scan_due_clocks()
    finally:
        ticket_transitioned.disconnect(dispatch_uid="test-reassign-signal")
    assert heard == [("return_to_queue", "system", "assigned", "accepted")]
