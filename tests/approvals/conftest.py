"""Fixtures of the approval tests: approvers in every role a seeded flow names, and a ticket.

Seeded flows (approvals migration 0002) are used as they are; tests that need a special shape
build their own flow through the models, as an admin would.
"""

from __future__ import annotations

import pytest

from shouhou.accounts.choices import Role
from shouhou.approvals.models import ApprovalFlow, ApprovalStep
from shouhou.tickets.services import open_ticket
from tests.conftest import make_user


@pytest.fixture
def people(world):
    """Second dispatcher and leadership, all with e-mail addresses (notifications go to e-mail)."""
    for name, user in world.users.items():
        user.email = f"{name}@example.com"
        user.save(update_fields=["email"])
    extra = {
        "dispatcher2": make_user("dispatcher2", Role.DISPATCHER, world.own, first_name="调度周",
                                 email="dispatcher2@example.com"),
        "leader": make_user("leader", Role.LEADERSHIP, world.own, first_name="主管领导吴", email="leader@example.com"),
        "leader2": make_user("leader2", Role.LEADERSHIP, world.own, email="leader2@example.com"),
    }
    world.users.update(extra)
    for name, user in extra.items():
        setattr(world, name, user)
    return world


@pytest.fixture
def ticket(people):
    return open_ticket(people.desk, title="防火门闭门器失灵", serial=people.asset_a.serial_no, severity=2)


@pytest.fixture
def same_role_flow(db):
    """A flow whose two steps are both decided by dispatchers (to test one person, one step)."""
    flow = ApprovalFlow.objects.create(kind="test_two_dispatchers", name="两级调度审批")
    ApprovalStep.objects.bulk_create([ApprovalStep(flow=flow, position=1, roles="dispatcher"),
                                      ApprovalStep(flow=flow, position=2, roles="dispatcher,leadership")])
    return flow
