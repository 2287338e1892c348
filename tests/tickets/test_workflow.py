"""The declared state machine (issue 2): every declared transition works through the service,
everything else is refused with a clear code."""

from __future__ import annotations

import pytest

from shouhou.accounts.permissions import system_user
from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.tickets import workflow
from shouhou.tickets.choices import SIDE_STATES, WORK_STATES, Status
from shouhou.tickets.models import Ticket, TicketEvent
from shouhou.tickets.services import allowed_transitions, transition_ticket

# Which persona acts as which workflow actor on the fixture ticket (assigned to `engineer`); the
# "system" actor (escalation rules' moves) is the system user.
ACTOR_PERSONA = {"desk": "desk", "assignee": "engineer", "customer": "customer_a"}
DECLARED = [
    (t.action, source, actor)
    for t in workflow.TRANSITIONS for source in sorted(t.sources) for actor in sorted(t.actors)
]


def put_in(ticket, status, resume=""):
    """Place a ticket in a state for the test (fixture set-up, not a product path)."""
    Ticket.objects.filter(pk=ticket.pk).update(status=status, resume_status=resume, assignee=None)


@pytest.mark.parametrize(("action", "source", "actor"), DECLARED, ids=lambda v: str(v))
def test_every_declared_transition_is_taken_by_its_actor(world, ticket, action, source, actor):
    """Given a ticket in `source`, when its declared actor takes `action`, then it reaches the
    declared target (resume: the remembered state) and one TRANSITION-style event is logged."""
    put_in(ticket, source, resume=Status.ASSIGNED if source in SIDE_STATES else "")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=world.engineer)
    ticket.refresh_from_db()
    user = system_user() if actor == "system" else world.users[ACTOR_PERSONA[actor]]
    transition = workflow.transition_for(action)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()

    moved = transition_ticket(ticket, user, action, reason="客户要求", resolution="更换闭门器")

    expected = transition.target or Status.ASSIGNED
    assert moved.status == expected
    assert TicketEvent.objects.filter(ticket=ticket).count() == events_before + 1
    event = TicketEvent.objects.filter(ticket=ticket).latest("id")
    assert (event.from_status, event.to_status) == (source, expected)


FORBIDDEN = [
    (t.action, status) for t in workflow.TRANSITIONS for status in Status if status not in t.sources
]


@pytest.mark.parametrize(("action", "status"), FORBIDDEN, ids=lambda v: str(v))
def test_undeclared_transitions_are_refused_with_transition_not_allowed(world, ticket, action, status):
    """Given a ticket in a state the action does not start from, then the desk gets
    `transition_not_allowed` and nothing changes."""
    put_in(ticket, status)
    ticket.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        transition_ticket(ticket, world.admin, action, reason="x", resolution="x")
    assert refused.value.code == "transition_not_allowed"
    ticket.refresh_from_db()
    assert ticket.status == status


def test_an_actor_not_declared_for_an_action_is_refused_as_not_permitted(world, ticket):
    """Customers cannot accept their own request: 403-style `not_permitted`."""
    with pytest.raises(PermissionDeniedError) as refused:
        transition_ticket(ticket, world.customer_a, "accept")
    assert refused.value.code == "not_permitted"


def test_unknown_action_is_refused(world, ticket):
    with pytest.raises(ServiceError) as refused:
        transition_ticket(ticket, world.desk, "teleport")
    assert refused.value.code == "unknown_action"


def test_allowed_transitions_follow_the_declared_table_for_each_persona(world, ticket):
    """Buttons and API validation come from one place: the declared table and the actor kinds."""
    assert [t.action for t in allowed_transitions(ticket, world.desk)] == ["accept", "assign", "escalate", "cancel"]
    assert [t.action for t in allowed_transitions(ticket, world.customer_a)] == ["cancel"]
    assert allowed_transitions(ticket, world.engineer) == []  # not assigned to them
    assert allowed_transitions(ticket, world.finance) == []


def test_work_states_can_all_be_paused_and_resumed():
    """Every work state may wait for the customer; resume returns to the remembered state."""
    pause = workflow.transition_for("wait_customer")
    assert WORK_STATES <= pause.sources
    resume = workflow.transition_for("resume")
    assert workflow.target_of(resume, Status.PENDING_CUSTOMER, Status.ON_SITE) == Status.ON_SITE


@pytest.mark.parametrize("action", ["reassign", "return_to_queue"])
def test_escalation_moves_are_declared_for_the_system_only(world, ticket, action):
    """Issue 7: the moves an escalation rule makes are in the declared table, for the system actor;
    no person gets them, not even an administrator."""
    transition = workflow.transition_for(action)
    assert transition is not None and transition.actors == {"system"}
    put_in(ticket, Status.ASSIGNED)
    ticket.refresh_from_db()
    for person in ("admin", "dispatcher", "engineer"):
        assert action not in {t.action for t in allowed_transitions(ticket, world.users[person])}
        with pytest.raises(PermissionDeniedError):
            transition_ticket(ticket, world.users[person], action)
    assert action in {t.action for t in allowed_transitions(ticket, system_user())}
