"""Intake evaluates a new ticket's clocks from memory with a plan compiled once per version (issue 9).

The fast path must give exactly the clocks a full recomputation from the stored timeline gives,
recompile when the plan or a calendar changes, and cost a fixed number of SQL statements.
"""

from __future__ import annotations

import pytest

from shouhou.ops.bench.plan import TARGETS, ensure_bench_plan
from shouhou.sla.models import Clock, ServicePlan, WorkingCalendar
from shouhou.sla.services import compiled, sync_clocks
from shouhou.sla.services.calendars import touch_calendar
from shouhou.sla.services.clocks import plan_for_ticket
from shouhou.tickets.models import Ticket

URL = "/api/v1/tickets/"
FIELDS = ("target_id", "state", "started_at", "due_at", "budget_seconds", "consumed_seconds", "next_escalation_at",
          "calendar_id")


@pytest.fixture
def bench_plan(world):
    """Every contract of the world on the five-target BENCH plan with four escalation rules."""
    ensure_bench_plan(world.dispatcher)
    compiled.clear()
    return ServicePlan.objects.get(contract=world.contract_a)


def report(client, world, **extra):
    body = {"title": "防火门闭门器失灵", "description": "三楼防火门无法自动关闭", "channel": "api", "severity": 2,
            "serial": world.asset_a.serial_no, **extra}
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    return Ticket.objects.get(pk=response.data["id"])


def stored(ticket):
    return sorted(tuple(getattr(c, f) for f in FIELDS) for c in Clock.objects.filter(ticket=ticket))


def test_clocks_from_memory_equal_a_recomputation_from_the_timeline(world, api_as, frozen, bench_plan):
    ticket = report(api_as("desk"), world)
    fast, next_due = stored(ticket), ticket.next_due_at
    assert len(fast) == len(TARGETS)
    assert all(row[6] is not None for row in fast)  # every running clock has its next escalation
    sync_clocks(ticket, now=frozen.now)
    ticket.refresh_from_db()
    assert stored(ticket) == fast
    assert ticket.next_due_at == next_due == min(row[3] for row in fast)


def test_the_answer_to_a_report_carries_the_stored_next_due(world, api_as, frozen, bench_plan):
    response = api_as("desk").post(URL, {"title": "漏水", "serial": world.asset_a.serial_no, "channel": "api"},
                                   format="json")
    assert response.status_code == 201
    assert Ticket.objects.get(pk=response.data["id"]).next_due_at is not None


def test_a_compiled_plan_is_rebuilt_when_the_plan_or_a_calendar_changes(world, api_as, frozen, bench_plan):
    ticket = report(api_as("desk"), world)
    first = compiled.compiled_plan(plan_for_ticket(ticket))
    assert compiled.compiled_plan(plan_for_ticket(ticket)) is first  # cached per version
    touch_calendar(WorkingCalendar.objects.get(code="cn-5x8"))  # a holiday edit elsewhere moves its version
    second = compiled.compiled_plan(plan_for_ticket(ticket))
    assert second is not first
    ServicePlan.objects.filter(pk=bench_plan.pk).update(version=bench_plan.version + 1)  # another process's edit
    assert compiled.compiled_plan(plan_for_ticket(ticket)) is not second


def test_intake_costs_a_fixed_number_of_statements(world, api_as, frozen, bench_plan, django_assert_num_queries):
    """Pinned (issue 9): asset, contract ×2, ticket, event, plan (+ calendars stamp), clocks in one
    INSERT, next due, then the notifications of "ticket.reported" and the promised times."""
    client = api_as("desk")
    report(client, world)  # warm: the compiled plan, content types, severity levels
    body = {"title": "防火门闭门器失灵", "channel": "api", "severity": 2, "serial": world.asset_a.serial_no}
    with django_assert_num_queries(INTAKE_STATEMENTS):
        response = client.post(URL, body, format="json")
    assert response.status_code == 201
    assert Clock.objects.filter(ticket_id=response.data["id"]).count() == len(TARGETS)


# 8 for the ticket and its clocks (was 21 before issue 9), 9 for its entitlement (issue 11: rule,
# contract, the row and its history, in a savepoint), 23 for the two notifications (savepoints
# included), 1 for the promised times in the answer.
INTAKE_STATEMENTS = 41
