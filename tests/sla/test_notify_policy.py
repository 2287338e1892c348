"""SLA events through the notification policy (issue 7): warnings and breaches reach the people on
the job in-app; the calendar check tells administrators through the "calendar.running_out" rule."""

from __future__ import annotations

from datetime import date

import pytest

from shouhou.dispatch.services import assign_ticket
from shouhou.notify.models import Notification
from shouhou.sla.services import scan_due_clocks
from shouhou.sla.services.schedules import check_calendars

from .conftest import act, open_fault, sh

pytestmark = pytest.mark.django_db


def subjects(user):
    return list(Notification.objects.filter(user=user).order_by("id").values_list("subject", flat=True))


def test_the_assigned_engineer_is_warned_and_told_of_the_breach_in_app(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 10, 5))
    act(ticket, world.desk, "accept")
    assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    frozen.set(sh(2026, 3, 2, 14, 1))
    scan_due_clocks()
    mine = subjects(world.engineer)
    assert any(s.startswith(f"时限预警：{ticket.number}") for s in mine)
    assert any(s.startswith(f"已超时：{ticket.number}") for s in mine)
    assert any(s.startswith(f"已超时：{ticket.number}") for s in subjects(world.dispatcher))
    assert subjects(world.engineer2) == []
    scan_due_clocks()  # a second scan tells nobody again
    assert subjects(world.engineer) == mine


def test_administrators_hear_of_a_calendar_running_out_in_app_too(world, office, frozen):
    check_calendars(date(2026, 11, 2))  # 59 days of official data left
    assert subjects(world.admin) == [f"工作日历{office.name}：法定节假日数据截至2026-12-31"]
    assert subjects(world.dispatcher) == []
