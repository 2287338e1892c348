"""A loaner task closes itself when its rule says (issue 8: "a loaner until fixed": at resolution)."""

from __future__ import annotations

import pytest

from shouhou.sla.choices import LoanerStatus
from shouhou.sla.models import LoanerTask, PlanClauses, ServicePlan
from shouhou.sla.services import create_plan_from_template, scan_due_clocks

from .conftest import act, open_fault, sh, template


@pytest.fixture
def task(world, frozen):
    """P5: a level-1 fault not fixed in 2 hours opens a loaner task (P5.5)."""
    create_plan_from_template(world.dispatcher, template("P5"), world.contract_a)
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 12, 1))
    scan_due_clocks()
    return LoanerTask.objects.get(ticket=ticket)


def resolve(world, ticket, frozen):
    frozen.set(sh(2026, 3, 2, 13, 0))
    ticket = act(ticket, world.desk, "accept")
    return act(ticket, world.desk, "resolve", resolution="远程重启后恢复")


def test_loaner_until_fixed_closes_the_open_task_at_resolution(world, task, frozen):
    PlanClauses.objects.update_or_create(plan=ServicePlan.objects.get(contract=world.contract_a),
                                         defaults={"loaner_until_resolved": True})  # P5 brings its clauses
    ticket = resolve(world, task.ticket, frozen)
    task.refresh_from_db()
    assert task.status == LoanerStatus.CANCELLED and task.closed_at == sh(2026, 3, 2, 13, 0)
    assert ticket.events.filter(kind="note", data__loaner_task=task.pk, data__auto_closed=True).exists()


def test_loaner_without_the_rule_stays_open_after_resolution(world, task, frozen):
    resolve(world, task.ticket, frozen)
    task.refresh_from_db()
    assert task.status == LoanerStatus.OPEN


def test_loaner_already_provided_is_left_as_it_is(world, task, frozen):
    from shouhou.sla.services import close_loaner_task

    PlanClauses.objects.update_or_create(plan=ServicePlan.objects.get(contract=world.contract_a),
                                         defaults={"loaner_until_resolved": True})  # P5 brings its clauses
    close_loaner_task(world.dispatcher, task, provided=True)
    resolve(world, task.ticket, frozen)
    task.refresh_from_db()
    assert task.status == LoanerStatus.DONE
