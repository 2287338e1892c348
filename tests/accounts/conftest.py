"""The world of tests/conftest.py plus the roles it lacks, a branch (team) and three requests:

- ticket_a: customer A's door, assigned to engineer (in the branch manager's team) and dealer A —
  inside every scope of every role that has one;
- ticket_c: customer A's door, unassigned — inside "organisation" and "all", outside "own"/"team";
- ticket_b: customer B's door, unassigned — outside every scope but "all".
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from shouhou.accounts.choices import Role
from shouhou.accounts.models import Team
from shouhou.dispatch.services import assign_ticket
from shouhou.tickets.services import open_ticket, perform_action
from tests.conftest import make_user


@pytest.fixture
def org_world(world):
    world.users.update({
        "complaint_desk": make_user("complaint_desk", Role.COMPLAINT_DESK, world.own),
        "leadership": make_user("leadership", Role.LEADERSHIP, world.own),
        "branch_manager": make_user("branch_manager", Role.BRANCH_MANAGER, world.own, first_name="网点经理周"),
    })
    branch = Team.objects.create(name="浦东服务站", organisation=world.own)
    branch.members.add(world.users["branch_manager"], world.engineer)
    world.branch = branch
    world.ticket_a = open_ticket(world.desk, title="防火门闭门器失灵", serial=world.asset_a.serial_no, severity=2)
    perform_action(world.desk, world.ticket_a, "accept")
    world.ticket_a.refresh_from_db()
    world.ticket_a = assign_ticket(world.desk, world.ticket_a, engineer=world.engineer, dealer=world.dealer_org_a)
    world.ticket_c = open_ticket(world.desk, title="门禁读卡器不亮", serial=world.asset_a.serial_no)
    world.ticket_b = open_ticket(world.desk, title="门诊楼防火门异响", serial=world.asset_b.serial_no)
    return world


@pytest.fixture
def client_as(org_world):
    def _as(name):
        client = APIClient()
        client.force_authenticate(org_world.users[name])
        return client

    return _as
