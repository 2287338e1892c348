"""P5.5 / P13.2 evidence: a loaner task opened in error is voided with a reason, never deleted (P13.9)."""

from __future__ import annotations

import pytest
from django.test import Client

from shouhou.core.errors import ServiceError
from shouhou.sla.choices import LoanerStatus
from shouhou.sla.models import LoanerTask
from shouhou.sla.services import create_plan_from_template, scan_due_clocks, void_loaner_task
from shouhou.tickets.choices import EventKind

from .conftest import open_fault, sh, template


@pytest.fixture
def task(world, frozen):
    create_plan_from_template(world.dispatcher, template("P5"), world.contract_a)
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 12, 1))
    scan_due_clocks()
    return LoanerTask.objects.get(ticket=ticket)


def test_voiding_keeps_the_task_marks_it_void_and_records_why_on_the_timeline(world, task, frozen):
    frozen.set(sh(2026, 3, 2, 12, 30))
    void_loaner_task(world.dispatcher, task, reason="客户已自备备用设备，任务误开")
    task.refresh_from_db()
    assert task.status == LoanerStatus.VOID and task.void_reason == "客户已自备备用设备，任务误开"
    assert task.closed_by == world.dispatcher and task.closed_at == sh(2026, 3, 2, 12, 30)
    event = task.ticket.events.get(kind=EventKind.VOIDED)
    assert event.actor == world.dispatcher and event.internal
    assert event.data["record"] == "sla.loanertask" and event.data["before"] == {"status": "open"}
    assert "客户已自备备用设备" in event.body


def test_voiding_needs_a_reason_and_a_desk_role(world, task):
    with pytest.raises(ServiceError) as no_reason:
        void_loaner_task(world.dispatcher, task, reason="  ")
    assert no_reason.value.code == "reason_required"
    for user in (world.engineer, world.finance, world.customer_a):
        with pytest.raises(ServiceError) as refused:
            void_loaner_task(user, task, reason="误开")
        assert refused.value.code == "not_permitted"
    void_loaner_task(world.desk, task, reason="误开")
    with pytest.raises(ServiceError) as twice:
        void_loaner_task(world.desk, task, reason="再次")
    assert twice.value.code == "already_void"


def test_the_ticket_page_voids_the_task_and_then_shows_it_as_voided(world, task):
    client = Client()
    client.force_login(world.dispatcher)
    page = client.get(f"/tickets/{task.ticket_id}/").content.decode()
    assert f"/sla/loaners/{task.pk}/void/" in page
    response = client.post(f"/sla/loaners/{task.pk}/void/", {"reason": "重复的备机任务"})
    assert response.status_code == 302
    page = client.get(f"/tickets/{task.ticket_id}/").content.decode()
    assert f'data-loaner="{task.pk}"' in page and "已作废" in page and "重复的备机任务" in page
    assert f"/sla/loaners/{task.pk}/void/" not in page
    assert LoanerTask.objects.filter(pk=task.pk).exists()


def test_who_voids_loaner_tasks_is_the_layers_loaner_void(world, task, monkeypatch):
    """Issue 6: the right comes from accounts.permissions (RIGHTS), not from a role check."""
    from shouhou.accounts import permissions
    from shouhou.accounts.choices import Role

    monkeypatch.setitem(permissions.RIGHTS[Role.FINANCE], "loaner.void", permissions.ALL)
    void_loaner_task(world.finance, task, reason="客户已自备备用设备")
    task.refresh_from_db()
    assert task.status == LoanerStatus.VOID
