"""Issue 8, "What a plan can say": milestones recorded on the phone and through the API, clocks
that start or stop at named events (arranged, appointment booked, parts ordered, parts on site),
and the plan clause `accept_is_contact` (does the desk's Accept count as contacting the customer?).

Plan sentences: P6.3 "a forwarded task is arranged within 2 hours"; P5.2 "A、B 服务等级 10 分钟内回复"
(an engineer's call back, not the desk's Accept).  Time is frozen in every test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client

from shouhou.sla.models import Clock, PlanClauses, ServicePlan, Target
from shouhou.sla.services import create_plan_from_template, record_milestone
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import TicketEvent
from shouhou.tickets.services import perform_action

from .conftest import act, open_fault, sh, template

pytestmark = pytest.mark.django_db


def plan_with(world, *targets, accept_is_contact=None):
    """Contract A's plan with `targets` as (kind, amount, unit, start, stop); clause set when given."""
    plan = ServicePlan.objects.create(name="命名事件方案", contract=world.contract_a)
    for order, (kind, amount, unit, start, stop) in enumerate(targets):
        Target.objects.create(plan=plan, order=order, kind=kind, name=f"{kind}-{stop}", amount=Decimal(amount),
                              unit=unit, start_event=start, stop_event=stop)
    if accept_is_contact is not None:
        PlanClauses.objects.create(plan=plan, accept_is_contact=accept_is_contact)
    return plan


def clock(ticket, kind):
    return Clock.objects.get(ticket=ticket, kind=kind)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def forwarded_to_dealer(world, frozen):
    """A report at 09:00, accepted and forwarded to dealer A at 09:10 (P6.2 → P6.3)."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    act(ticket, world.desk, "accept")
    frozen.set(sh(2026, 3, 2, 9, 10))
    return perform_action(world.dispatcher, ticket, "assign", dealer=world.dealer_org_a.pk)


# --- P6.3: a dealer arranges a forwarded task within 2 hours ---------------------------------

def test_p6_3_the_dealer_arranges_within_2_hours_by_booking_the_visit(world, frozen):
    plan_with(world, ("dispatch", 2, "hours", "assigned", "arranged"))
    ticket = forwarded_to_dealer(world, frozen)
    arrange = clock(ticket, "dispatch")
    assert arrange.state == "running" and arrange.started_at == sh(2026, 3, 2, 9, 10)
    assert arrange.due_at == sh(2026, 3, 2, 11, 10)  # the forwarding is not the arrangement
    frozen.set(sh(2026, 3, 2, 10, 40))
    perform_action(world.dealer_a, ticket, "book_appointment", appointment_at=sh(2026, 3, 3, 9, 0).isoformat())
    arrange = clock(ticket, "dispatch")
    assert (arrange.state, arrange.stopped_at) == ("met", sh(2026, 3, 2, 10, 40))


def test_p6_3_an_arrangement_later_than_2_hours_is_a_breach(world, frozen):
    plan_with(world, ("dispatch", 2, "hours", "assigned", "arranged"))
    ticket = forwarded_to_dealer(world, frozen)
    frozen.set(sh(2026, 3, 2, 11, 11))
    record_milestone(world.dealer_a, ticket, "arranged", note="已电话约定明早上门")
    arrange = clock(ticket, "dispatch")
    assert (arrange.state, arrange.stopped_at) == ("breached", sh(2026, 3, 2, 11, 11))
    assert arrange.late_seconds == 60


def test_a_target_may_stop_when_the_appointment_is_booked(world, frozen):
    plan_with(world, ("dispatch", 4, "hours", "received", "appointment_booked"))
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    act(ticket, world.desk, "accept")
    ticket = perform_action(world.dispatcher, ticket, "assign", assignee=world.engineer.pk)
    assert clock(ticket, "dispatch").state == "running"  # assigning books nothing
    frozen.set(sh(2026, 3, 2, 12, 0))
    login(world.engineer).post(f"/dispatch/tickets/{ticket.pk}/appointment/", {
        "appointment_at": "2026-03-03T09:00", "note": "物业陈经理", "version": ticket.version})
    booked = clock(ticket, "dispatch")
    assert (booked.state, booked.stopped_at) == ("met", sh(2026, 3, 2, 12, 0))


# --- clocks that start at a named event ---------------------------------------------------

def test_a_repair_clock_starts_when_the_parts_are_ordered_and_stops_at_resolution(world, frozen):
    plan_with(world, ("resolution", 24, "hours", "parts_ordered", "resolved"),
              ("arrival", 48, "hours", "parts_ordered", "parts_on_site"))
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    assert not Clock.objects.filter(ticket=ticket).exists()  # nothing ordered yet: no repair clock
    frozen.set(sh(2026, 3, 2, 15, 0))
    record_milestone(world.desk, ticket, "parts_ordered", at=sh(2026, 3, 2, 14, 30), note="闭门器已下单")
    repair = clock(ticket, "resolution")
    assert repair.started_at == sh(2026, 3, 2, 14, 30) and repair.due_at == sh(2026, 3, 3, 14, 30)
    frozen.set(sh(2026, 3, 3, 10, 0))
    record_milestone(world.desk, ticket, "parts_on_site")
    parts = clock(ticket, "arrival")
    assert (parts.state, parts.stopped_at) == ("met", sh(2026, 3, 3, 10, 0))
    assert clock(ticket, "resolution").state == "running"  # parts on site is not the fix


# --- accept_is_contact: which action counts as "contacted" -----------------------------------

CALLBACK = ("callback", 15, "minutes", "received", "contacted")


def test_the_desks_accept_does_not_stop_a_call_back_clock_when_the_clause_is_off(world, frozen):
    """P5.2: the engineer calls back; the desk's Accept is not that call."""
    plan_with(world, CALLBACK, accept_is_contact=False)
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    frozen.set(sh(2026, 3, 2, 9, 2))
    act(ticket, world.desk, "accept")
    assert clock(ticket, "callback").state == "running"
    frozen.set(sh(2026, 3, 2, 9, 12))
    record_milestone(world.desk, ticket, "contacted", note="工程师已回电")
    callback = clock(ticket, "callback")
    assert (callback.state, callback.stopped_at) == ("met", sh(2026, 3, 2, 9, 12))


def test_a_plan_without_the_clause_reads_accept_as_not_contacted(world, frozen):
    """New plans default to off: no clauses row at all means the same as the clause off."""
    plan_with(world, CALLBACK)
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    act(ticket, world.desk, "accept")
    frozen.set(sh(2026, 3, 2, 9, 16))
    from shouhou.sla.services import scan_due_clocks

    scan_due_clocks()
    assert clock(ticket, "callback").state == "breached"


def test_the_desks_accept_stops_a_call_back_clock_when_the_clause_is_on(world, frozen):
    plan_with(world, CALLBACK, accept_is_contact=True)
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    frozen.set(sh(2026, 3, 2, 9, 5))
    act(ticket, world.desk, "accept")
    callback = clock(ticket, "callback")
    assert (callback.state, callback.stopped_at) == ("met", sh(2026, 3, 2, 9, 5))


def test_turning_the_clause_on_in_the_editor_makes_accept_count(world, frozen):
    """The clause is data of the plan: the API and editor write it, the clocks read it."""
    from shouhou.sla.services.plan_terms import save_clauses

    plan = plan_with(world, CALLBACK)
    plan.status = "draft"
    plan.save()
    row = save_clauses(world.dispatcher, plan, {"accept_is_contact": True}, version=None, reason="合同约定受理即响应")
    assert row.accept_is_contact and PlanClauses.history.filter(plan_id=plan.pk).exists()


def test_templates_name_the_clause_and_plans_built_from_them_keep_it(world):
    """P5.2 / P14.8 promise a call back (off); P13.2's response is the reply to the request (on)."""
    assert {t.source: t.clauses.accept_is_contact for t in ServicePlan.objects.filter(is_template=True)} == {
        "P5": False, "P8": False, "P13": True, "P14": False}
    plan = create_plan_from_template(world.dispatcher, template("P5"), world.contract_a)
    assert PlanClauses.objects.get(plan=plan).accept_is_contact is False


def test_the_migration_keeps_todays_behaviour_for_plans_that_already_exist(world):
    """Migration 0011: existing plans (with or without a clauses row) get the clause on."""
    import importlib

    migration = importlib.import_module("shouhou.sla.migrations.0011_named_events_accept_is_contact")
    bare = ServicePlan.objects.create(name="旧方案", contract=world.contract_a)
    signed = ServicePlan.objects.create(name="旧方案二", is_default=True)
    PlanClauses.objects.create(plan=signed, unsigned_is_not_done=True)
    migration.existing_plans_keep_accept_as_contact(apps, None)
    assert PlanClauses.objects.get(plan=bare).accept_is_contact is True
    kept = PlanClauses.objects.get(plan=signed)
    assert kept.accept_is_contact is True and kept.unsigned_is_not_done is True


# --- the API: POST /api/v1/tickets/{id}/milestones/ -------------------------------------------

def test_a_milestone_is_recorded_through_the_api_and_answers_the_clocks(world, frozen, api_as):
    plan_with(world, CALLBACK, accept_is_contact=False)
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    frozen.set(sh(2026, 3, 2, 9, 20))
    response = api_as("desk").post(f"/api/v1/tickets/{ticket.pk}/milestones/", {
        "event": "contacted", "at": "2026-03-02T09:10:00+08:00", "note": "已回电"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["event"] == "contacted" and body["ticket"] == ticket.pk and body["note"] == "已回电"
    assert [(c["kind"], c["state"], c["stopped_at"]) for c in body["clocks"]] == [
        ("callback", "met", "2026-03-02T09:10:00+08:00")]
    row = TicketEvent.objects.get(pk=body["id"])
    assert row.kind == EventKind.MILESTONE and row.actor == world.desk


def test_a_retried_milestone_with_the_same_idempotency_key_is_recorded_once(world, frozen, api_as):
    plan_with(world, CALLBACK, accept_is_contact=False)
    ticket = open_fault(world, severity=2)
    client = api_as("desk")
    url = f"/api/v1/tickets/{ticket.pk}/milestones/"
    first = client.post(url, {"event": "contacted"}, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    again = client.post(url, {"event": "contacted"}, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.MILESTONE).count() == 1
    other = client.post(url, {"event": "followed_up"}, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_the_milestone_api_refuses_naming_the_field_in_chinese(world, frozen, api_as):
    plan_with(world, CALLBACK)
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    client = api_as("desk")
    url = f"/api/v1/tickets/{ticket.pk}/milestones/"
    unknown = client.post(url, {"event": "resolved"}, format="json")  # the workflow's, not a milestone
    assert unknown.status_code == 400 and unknown.json()["event"][0].startswith("服务节点：")
    assert "不是合法选项" in unknown.json()["event"][0]
    future = client.post(url, {"event": "contacted", "at": "2026-03-02T10:00:00+08:00"}, format="json")
    assert future.status_code == 400 and future.json()["field"] == "at"
    assert future.json()["at"] == ["时间：时间不能晚于现在。"]
    stale = client.post(url, {"event": "contacted", "version": ticket.version + 5}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert stale.json()["version"][0].startswith("版本：")
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.MILESTONE).exists()


def test_the_milestone_api_is_scoped_and_permission_checked(world, frozen, api_as):
    plan_with(world, CALLBACK)
    ticket = open_fault(world, severity=2)
    ticket = perform_action(world.dispatcher, act(ticket, world.desk, "accept"), "assign", assignee=world.engineer.pk)
    url = f"/api/v1/tickets/{ticket.pk}/milestones/"
    assert api_as("engineer2").post(url, {"event": "contacted"}, format="json").status_code == 404  # not his job
    assert api_as("dealer_b").post(url, {"event": "contacted"}, format="json").status_code == 404
    refused = api_as("customer_a").post(url, {"event": "contacted"}, format="json")  # sees it, may not record
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    assert api_as("engineer").post(url, {"event": "contacted"}, format="json").status_code == 201


# --- the engineer's phone: 我的工单 ------------------------------------------------------------

def test_the_engineer_records_a_milestone_from_the_job_card_after_confirming(world, frozen):
    plan_with(world, CALLBACK, ("arrival", 48, "hours", "parts_ordered", "parts_on_site"))
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=2)
    ticket = perform_action(world.dispatcher, act(ticket, world.desk, "accept"), "assign", assignee=world.engineer.pk)
    phone = login(world.engineer)
    page = phone.get("/dispatch/my-jobs/").content.decode()
    confirm_url = f"/dispatch/tickets/{ticket.pk}/milestones/contacted/"
    assert confirm_url in page and f"/dispatch/tickets/{ticket.pk}/milestones/parts_on_site/" in page
    frozen.set(sh(2026, 3, 2, 9, 8))
    confirm = phone.get(confirm_url)
    assert confirm.status_code == 200 and "已联系客户" in confirm.content.decode()
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.MILESTONE).exists()  # tapping only asks
    done = phone.post(confirm_url, {"version": ticket.version, "at": "", "note": "电话联系物业"})
    assert done.status_code == 302 and done["Location"] == "/dispatch/my-jobs/"
    callback = clock(ticket, "callback")
    assert (callback.state, callback.stopped_at) == ("met", sh(2026, 3, 2, 9, 8))
    assert "✓ 已联系客户" in phone.get("/dispatch/my-jobs/").content.decode()


def test_the_job_card_refuses_a_milestone_that_is_not_one(world, frozen):
    ticket = open_fault(world, severity=2)
    ticket = perform_action(world.dispatcher, act(ticket, world.desk, "accept"), "assign", assignee=world.engineer.pk)
    phone = login(world.engineer)
    assert phone.get(f"/dispatch/tickets/{ticket.pk}/milestones/resolved/").status_code == 404
    assert login(world.engineer2).get(f"/dispatch/tickets/{ticket.pk}/milestones/contacted/").status_code == 404


def test_the_plan_api_writes_the_clause_and_targets_on_named_events(world, office, api_as):
    """The plan write API (and the editor, same services) offers the new events and the clause."""
    client = api_as("dispatcher")
    plan = client.post("/api/v1/service-plans/", {"name": "经销商方案", "contract": world.contract_a.pk,
                                                  "calendar": office.pk, "clauses": {"accept_is_contact": True},
                                                  "reason": "新合同"}, format="json")
    assert plan.status_code == 201, plan.json()
    assert plan.json()["clauses"]["accept_is_contact"] is True
    plan_id = plan.json()["id"]
    version = client.get(f"/api/v1/service-plans/{plan_id}/").json()["version"]
    target = client.post("/api/v1/plan-targets/", {
        "plan": plan_id, "kind": "resolution", "name": "配件下单后 24 小时内修复", "amount": "24",
        "unit": "hours", "start_event": "parts_ordered", "stop_event": "resolved"}, format="json",
        HTTP_IF_MATCH=f'"{version}"')
    assert target.status_code == 201, target.json()
    assert (target.json()["start_event"], target.json()["stop_event"]) == ("parts_ordered", "resolved")
    wrong = client.post("/api/v1/plan-targets/", {
        "plan": plan_id, "kind": "dispatch", "name": "x", "amount": "2", "unit": "hours",
        "start_event": "assigned", "stop_event": "parts_arrived"}, format="json", HTTP_IF_MATCH='"99"')
    assert wrong.status_code == 400 and "stop_event" in wrong.json()
