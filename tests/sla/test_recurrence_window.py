"""Issue 8, "What a plan can say": "A fix counts only if it stays fixed: a plan may set a recurrence
window (the same fault on the same unit within N days reopens the resolution promise instead of
opening a new, unmeasured ticket)."

The rule as built (sla/services/recurrence.py): a new report on the same unit (asset) within
`recurrence_days` calendar days of the earlier request's resolution is linked to it as a repeat;
the earlier request's resolution target counts as not kept (breached, "fix did not hold") in its
clocks and in the compliance report; the new request is measured like any other.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from shouhou.sla.choices import ClockState
from shouhou.sla.models import Clock, PlanClauses, ServicePlan
from shouhou.sla.reports import contract_compliance
from shouhou.sla.services import editor, plan_terms
from shouhou.tickets.choices import EventKind

from .conftest import act, open_fault, sh

pytestmark = pytest.mark.django_db


def _plan(world, office, recurrence_days):
    plan = editor.create_plan(world.dispatcher, name="维保方案", contract=world.contract_a, calendar=office)
    editor.save_target(world.dispatcher, plan, None, {
        "kind": "arrival", "name": "4 小时到场", "amount": Decimal(4), "unit": "hours", "start_event": "received",
        "stop_event": "arrived"}, version=None)
    editor.save_target(world.dispatcher, plan, None, {
        "kind": "resolution", "name": "24 小时修复", "amount": Decimal(24), "unit": "hours",
        "start_event": "received", "stop_event": "resolved"}, version=None)
    if recurrence_days is not None:
        plan_terms.save_clauses(world.dispatcher, plan, {"recurrence_days": recurrence_days}, version=None)
    editor.publish(world.dispatcher, plan)
    return plan


@pytest.fixture
def fixed(world, office, frozen):
    """A 30-day recurrence window; a fault reported 2026-03-02 09:00, fixed at 12:00 (on time) and closed."""
    _plan(world, office, 30)
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world)
    frozen.set(sh(2026, 3, 2, 12, 0))
    ticket = act(ticket, world.desk, "accept")
    ticket = act(ticket, world.desk, "resolve", resolution="更换闭门器")
    ticket = act(ticket, world.desk, "confirm")
    return act(ticket, world.desk, "close")


def resolution_clock(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, kind="resolution")


def test_a_fix_is_met_until_the_same_unit_fails_again(world, fixed):
    clock = resolution_clock(fixed)
    assert clock.state == ClockState.MET and clock.recurred_at is None


def test_the_same_unit_reported_within_the_window_breaks_the_earlier_fix(world, fixed, frozen):
    """18 days later the same fire door fails again: the new request is a repeat and the earlier
    resolution promise counts as not kept — on its clock, on both timelines, in compliance."""
    frozen.set(sh(2026, 3, 20, 10, 0))
    repeat = open_fault(world)
    assert repeat.repeat_of_id == fixed.pk and list(fixed.repeats.all()) == [repeat]
    clock = resolution_clock(fixed)
    assert clock.state == ClockState.BREACHED and clock.recurred_at == sh(2026, 3, 20, 10, 0)
    assert clock.stopped_at == sh(2026, 3, 2, 12, 0) and clock.late_seconds is None  # not late: not kept
    # Only the resolution promise is broken: the engineer did arrive on time.
    assert Clock.objects.get(ticket=fixed, kind="arrival").state != ClockState.BREACHED
    old_event = fixed.events.get(kind=EventKind.FIX_NOT_HELD)
    assert old_event.data["repeat"] == repeat.pk and repeat.number in old_event.body
    new_event = repeat.events.get(kind=EventKind.REPEAT_REPORTED)
    assert new_event.data["repeat_of"] == fixed.pk and fixed.number in new_event.body
    # The new request is measured like any other: its own clocks run from its report.
    assert resolution_clock(repeat).state == ClockState.RUNNING
    assert resolution_clock(repeat).started_at == sh(2026, 3, 20, 10, 0)
    row = next(r for r in contract_compliance(world.contract_a, "2026-03").rows if r.name == "24 小时修复")
    assert (row.met, row.breached, row.open) == (0, 1, 1)


def test_the_window_ends_n_days_after_the_resolution(world, fixed, frozen):
    """Resolved 2026-03-02 12:00 with a 30-day window: 2026-04-01 12:00 is inside, 12:01 is not."""
    frozen.set(sh(2026, 4, 1, 12, 1))
    late = open_fault(world)
    assert late.repeat_of_id is None and resolution_clock(fixed).state == ClockState.MET


def test_the_last_instant_of_the_window_still_counts(world, fixed, frozen):
    frozen.set(sh(2026, 4, 1, 12, 0))
    assert open_fault(world).repeat_of_id == fixed.pk


def test_a_report_received_earlier_counts_from_when_it_was_received(world, fixed, frozen):
    """A letter received inside the window and typed in after it is still a repeat (reported_at)."""
    frozen.set(sh(2026, 4, 3, 9, 0))
    ticket = open_fault(world, reported_at=sh(2026, 3, 31, 15, 0))
    assert ticket.repeat_of_id == fixed.pk
    assert resolution_clock(fixed).recurred_at == sh(2026, 3, 31, 15, 0)


def test_another_unit_is_not_a_repeat(world, fixed, frozen):
    from shouhou.tickets import services as tickets

    frozen.set(sh(2026, 3, 20, 10, 0))
    other = tickets.open_ticket(world.desk, title="门诊楼防火门异响", serial=world.asset_b.serial_no)
    assert other.repeat_of_id is None and resolution_clock(fixed).state == ClockState.MET


def test_without_a_recurrence_window_a_new_report_is_just_a_new_request(world, office, frozen):
    _plan(world, office, None)
    frozen.set(sh(2026, 3, 2, 9, 0))
    first = act(act(open_fault(world), world.desk, "accept"), world.desk, "resolve", resolution="复位")
    frozen.set(sh(2026, 3, 3, 9, 0))
    assert open_fault(world).repeat_of_id is None
    assert resolution_clock(first).state == ClockState.MET


def test_a_reopened_request_is_not_broken_again_by_a_new_report(world, fixed, frozen):
    """The earlier request reopened by the desk is being worked on: a report now is no repeat of a fix."""
    frozen.set(sh(2026, 3, 10, 9, 0))
    act(fixed, world.desk, "reopen", reason="客户反映仍有异响")
    frozen.set(sh(2026, 3, 10, 10, 0))
    assert open_fault(world).repeat_of_id is None


def test_the_plan_editor_sets_the_recurrence_window(world, office, client):
    plan = editor.create_plan(world.dispatcher, name="维保方案", contract=world.contract_a, calendar=office)
    client.force_login(world.dispatcher)
    page = client.get(f"/sla/plans/{plan.pk}/edit/").content.decode()
    assert 'name="terms-recurrence_days"' in page
    plan.refresh_from_db()
    data = {"name": plan.name, "calendar": office.pk, "description": "", "version": plan.version,
            "targets-TOTAL_FORMS": 0, "targets-INITIAL_FORMS": 0, "targets-MIN_NUM_FORMS": 0,
            "targets-MAX_NUM_FORMS": 1000, "rules-TOTAL_FORMS": 0, "rules-INITIAL_FORMS": 0,
            "rules-MIN_NUM_FORMS": 0, "rules-MAX_NUM_FORMS": 1000, "terms-recurrence_days": "30",
            "zone_rules-TOTAL_FORMS": 0, "zone_rules-INITIAL_FORMS": 0, "zone_rules-MIN_NUM_FORMS": 0,
            "zone_rules-MAX_NUM_FORMS": 1000}
    response = client.post(f"/sla/plans/{plan.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PlanClauses.objects.get(plan=plan).recurrence_days == 30
    assert PlanClauses.history.filter(plan_id=plan.pk, recurrence_days=30).exists()  # audited


def test_the_plan_api_writes_and_reads_the_recurrence_window(world, office, api_as):
    plan = editor.create_plan(world.dispatcher, name="维保方案", contract=world.contract_a, calendar=office)
    plan.refresh_from_db()
    client = api_as("dispatcher")
    response = client.patch(f"/api/v1/service-plans/{plan.pk}/", {"clauses": {"recurrence_days": 30},
                                                                     "reason": "返修期 30 天"},
                            format="json", HTTP_IF_MATCH=f'"{plan.version}"')
    assert response.status_code == 200, response.json()
    assert response.json()["clauses"]["recurrence_days"] == 30
    plan = ServicePlan.objects.get(pk=plan.pk)
    bad = client.patch(f"/api/v1/service-plans/{plan.pk}/", {"clauses": {"recurrence_days": 0}},
                       format="json", HTTP_IF_MATCH=f'"{plan.version}"')
    assert bad.status_code == 400 and "recurrence_days" in str(bad.json())


def test_a_further_report_while_the_repeat_is_open_does_not_break_the_fix_again(world, fixed, frozen):
    frozen.set(sh(2026, 3, 20, 10, 0))
    open_fault(world)
    frozen.set(sh(2026, 3, 20, 11, 0))
    assert open_fault(world).repeat_of_id is None
    assert fixed.events.filter(kind=EventKind.FIX_NOT_HELD).count() == 1


def test_the_desk_judges_a_different_fault_and_the_fix_counts_as_kept_again(world, fixed, frozen, client):
    from shouhou.core.errors import ServiceError
    from shouhou.tickets import services as tickets

    frozen.set(sh(2026, 3, 20, 10, 0))
    repeat = open_fault(world)
    with pytest.raises(ServiceError) as exc:
        tickets.unmark_repeat(world.desk, repeat, reason="  ")
    assert exc.value.code == "reason_required"
    client.force_login(world.desk)
    page = client.get(f"/tickets/{repeat.pk}/").content.decode()
    assert fixed.number in page and f"/tickets/{repeat.pk}/not-a-repeat/" in page
    frozen.set(sh(2026, 3, 20, 11, 0))
    response = client.post(f"/tickets/{repeat.pk}/not-a-repeat/", {"reason": "这次是门框变形，不是闭门器"})
    assert response.status_code == 302
    repeat.refresh_from_db()
    assert repeat.repeat_of_id is None
    clock = resolution_clock(fixed)
    assert clock.state == ClockState.MET and clock.recurred_at is None
    assert fixed.events.filter(kind=EventKind.REPEAT_UNLINKED, data__repeat=repeat.pk).exists()
    assert repeat.events.filter(kind=EventKind.REPEAT_UNLINKED, data__repeat_of=fixed.pk).exists()
    with pytest.raises(ServiceError) as exc:
        tickets.unmark_repeat(world.desk, repeat, reason="再次")
    assert exc.value.code == "not_a_repeat"


def test_only_the_desk_removes_a_repeat_link(world, fixed, frozen, api_as):
    frozen.set(sh(2026, 3, 20, 10, 0))
    repeat = open_fault(world)
    refused = api_as("customer_a").post(f"/api/v1/tickets/{repeat.pk}/not-a-repeat/", {"reason": "不是"},
                                        format="json")
    assert refused.status_code == 403
    response = api_as("desk").post(f"/api/v1/tickets/{repeat.pk}/not-a-repeat/", {"reason": "不同故障"},
                                   format="json")
    assert response.status_code == 200 and response.json()["repeat_of"] is None


def test_a_report_verified_onto_the_unit_later_is_linked_then(world, fixed, frozen):
    from shouhou.tickets import services as tickets

    frozen.set(sh(2026, 3, 20, 10, 0))
    unknown = tickets.open_ticket(world.desk, title="防火门又坏了", serial="NO-SUCH-SERIAL")
    assert unknown.unverified and unknown.repeat_of_id is None
    frozen.set(sh(2026, 3, 20, 10, 30))
    tickets.verify_ticket(world.desk, unknown, asset=world.asset_a)
    unknown.refresh_from_db()
    assert unknown.repeat_of_id == fixed.pk
    assert resolution_clock(fixed).recurred_at == sh(2026, 3, 20, 10, 0)  # when the report was received


def test_the_repeat_link_is_in_the_ticket_api(world, fixed, frozen, api_as):
    frozen.set(sh(2026, 3, 20, 10, 0))
    repeat = open_fault(world)
    body = api_as("desk").get(f"/api/v1/tickets/{repeat.pk}/").json()
    assert body["repeat_of"] == fixed.pk
    clocks = api_as("desk").get(f"/api/v1/clocks/?ticket={fixed.pk}").json()
    rows = clocks["results"] if isinstance(clocks, dict) else clocks
    resolution = next(c for c in rows if c["kind"] == "resolution")
    assert resolution["state"] == "breached" and resolution["recurred_at"].startswith("2026-03-20T")


def test_a_new_version_keeps_the_recurrence_and_working_windows(world, office):
    plan = _plan(world, office, 30)
    plan = ServicePlan.objects.get(pk=plan.pk)
    draft = editor.new_version(world.dispatcher, plan)
    assert PlanClauses.objects.get(plan=draft).recurrence_days == 30
    plan_terms.save_clauses(world.dispatcher, draft, {"appointment_window": "warn", "appointment_days": [1, 2, 3, 4, 5],
                                                      "appointment_hours": "08:30-17:00"}, version=None)
    editor.publish(world.dispatcher, ServicePlan.objects.get(pk=draft.pk))
    third = editor.new_version(world.dispatcher, ServicePlan.objects.get(pk=draft.pk))
    clauses = PlanClauses.objects.get(plan=third)
    assert (clauses.recurrence_days, clauses.appointment_window, clauses.appointment_days,
            clauses.appointment_hours) == (30, "warn", [1, 2, 3, 4, 5], "08:30-17:00")
