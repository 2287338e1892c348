"""Which waiting states pause which clocks is per plan (issue 3): customer, parts, third party."""

from __future__ import annotations

from decimal import Decimal

from shouhou.sla.choices import ClockState
from shouhou.sla.models import Clock, ServicePlan, Target

from .conftest import act, open_fault, sh


def plan_pausing_on(contract, statuses):
    plan = ServicePlan.objects.create(name="等待配件暂停", contract=contract, pause_statuses=statuses)
    Target.objects.create(plan=plan, kind="resolution", name="4 小时修复", amount=Decimal(4), unit="hours",
                          stop_event="resolved")
    return plan


def test_waiting_for_parts_pauses_the_clock_when_the_plan_says_so(world, frozen):
    plan_pausing_on(world.contract_a, ["pending_customer", "pending_parts"])
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = act(open_fault(world), world.desk, "accept")
    frozen.set(sh(2026, 3, 2, 11, 0))
    ticket = act(ticket, world.desk, "wait_parts", reason="等待闭门器到货")
    assert Clock.objects.get(ticket=ticket).state == ClockState.PAUSED
    frozen.set(sh(2026, 3, 2, 15, 0))
    ticket = act(ticket, world.desk, "resume")
    clock = Clock.objects.get(ticket=ticket)
    assert ticket.status == "accepted" and clock.state == ClockState.RUNNING
    assert clock.due_at == sh(2026, 3, 2, 18, 0)  # 14:00 + the 4 h spent waiting for parts


def test_waiting_for_a_third_party_runs_on_when_the_plan_does_not_pause_for_it(world, frozen):
    plan_pausing_on(world.contract_a, ["pending_customer"])
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = act(open_fault(world), world.desk, "accept")
    ticket = act(ticket, world.desk, "wait_third_party", reason="等待消防部门验收")
    clock = Clock.objects.get(ticket=ticket)
    assert clock.state == ClockState.RUNNING and clock.due_at == sh(2026, 3, 2, 14, 0)
