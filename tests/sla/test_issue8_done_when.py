"""Issue 8, "Done when" (plan part), end to end: a service manager (the dispatcher role, not a
superuser) enters in the web editor a plan with four named severity levels, three geographic zones
and a default, a half-working-day arrival target, a penalty per started hour late and the
"unsigned service record counts as not done" rule; previews it; a ticket on the contract gets
exactly the previewed clocks and, arriving late, a compensation record of the exact amount.  The
same plan written through the REST API gives the same clocks.

Worked instants (5×8 calendar 09:00–12:00, 13:00–18:00): reported Monday 2026-03-02 22:00 from a
site in 苏州 (zone "nearby" by the plan's rules); half a working day = 4 working hours → due
Tuesday 14:00; the engineer arrives 16:30, 2 h 30 min late → 3 started hours × 50 CNY = 150.00.
The 1-working-day repair clock (due Tuesday 18:00) stops at the signature (17:30), not at the
resolution (17:00)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from shouhou.customers.models import ServiceZone
from shouhou.dispatch import services as dispatch
from shouhou.dispatch.models import SignatureMethod
from shouhou.sla.models import Clock, Compensation, ServicePlan
from shouhou.sla.services.preview import preview
from shouhou.tickets.models import SeverityLevel
from tests.dispatch.conftest import png_bytes

from .conftest import act, open_fault, sh

pytestmark = pytest.mark.django_db

REPORTED = sh(2026, 3, 2, 22, 0)
ARRIVAL_DUE = sh(2026, 3, 3, 14, 0)
REPAIR_DUE = sh(2026, 3, 3, 18, 0)
LEVELS = [(1, "困人", "电梯困人，乘客被困轿厢内"), (2, "停梯", "电梯停止运行，无人被困"),
          (3, "一般故障", "电梯可运行但有异响或门故障"), (4, "咨询", "使用咨询、保养预约")]
ZONES = [("nearby", "苏州市内"), ("province", "江苏省内"), ("remote", "偏远地区"), ("other", "全国其他地区")]
ZONE_RULES = [("nearby", "江苏省", "苏州市"), ("province", "江苏省", ""), ("remote", "西藏自治区", ""), ("other", "", "")]
ARRIVE = {"kind": "arrival", "name": "苏州市内半个工作日到场", "amount": "1", "unit": "working_half_days",
          "start_event": "received", "stop_event": "arrived", "warranty": "any", "order": 0, "zones": ["nearby"]}
ARRIVE_FAR = {"kind": "arrival", "name": "其他地区一个工作日到场", "amount": "1", "unit": "working_days",
              "start_event": "received", "stop_event": "arrived", "warranty": "any", "order": 1,
              "zones": ["province", "remote", "other"]}
REPAIR = {"kind": "resolution", "name": "一个工作日修复", "amount": "1", "unit": "working_days",
          "start_event": "received", "stop_event": "resolved", "warranty": "any", "order": 2}
PENALTY = {"rate": "50.00", "basis": "started_hour", "cap_per_ticket": "300.00"}


def _formset(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


@pytest.fixture
def suzhou(world):
    """The customer's site in 苏州, with no hand-set zone: the plan's rules place it."""
    site = world.site_a
    site.zone, site.province, site.city = None, "江苏省", "苏州市"
    site.save()
    return site


def _levels_on_the_page(manager):
    """Four named levels on the severity page (the three seeded ones renamed, a fourth added)."""
    existing = list(SeverityLevel.objects.order_by("rank"))
    rows = [{"id": level.pk, "rank": rank, "name": name, "definition": text, "active": "on"}
            for level, (rank, name, text) in zip(existing, LEVELS, strict=False)]
    rows += [{"rank": rank, "name": name, "definition": text, "active": "on"} for rank, name, text in LEVELS[len(existing):]]
    response = manager.post("/sla/severities/", _formset("levels", rows, initial=len(existing)))
    assert response.status_code == 302, response.content.decode()[:3000]


def _zones_through_the_api(api_as):
    client = api_as("dispatcher")
    for code, name in ZONES:
        assert client.post("/api/v1/service-zones/", {"code": code, "name": name}, format="json").status_code == 201


def _ticket_and_clocks(world, frozen):
    """A 困人 report at 22:00; the engineer arrives late at 16:30, resolves at 17:00, the customer signs 17:30."""
    frozen.set(REPORTED)
    ticket = open_fault(world, severity=1)
    clocks = {c.target.name: c.due_at for c in Clock.objects.filter(ticket=ticket).select_related("target")}
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    frozen.set(sh(2026, 3, 3, 16, 30))
    visit = dispatch.record_arrival(world.engineer, ticket)
    frozen.set(sh(2026, 3, 3, 17, 0))
    ticket.refresh_from_db()
    act(ticket, world.engineer, "resolve", resolution="更换门锁继电器")
    visit = dispatch.record_departure(world.engineer, visit, "更换门锁继电器")
    repair = Clock.objects.get(ticket=ticket, kind="resolution")
    assert repair.stopped_at is None  # resolved but unsigned: not done
    frozen.set(sh(2026, 3, 3, 17, 30))
    dispatch.sign_visit(world.engineer, visit, SignatureMethod.DRAWN, "物业陈经理", png_bytes())
    return ticket, clocks


def _expect_clocks_and_compensation(ticket, clocks):
    assert clocks == {ARRIVE["name"]: ARRIVAL_DUE, REPAIR["name"]: REPAIR_DUE}
    arrival = Clock.objects.get(ticket=ticket, kind="arrival")
    assert arrival.stopped_at == sh(2026, 3, 3, 16, 30) and arrival.state == "breached"
    repair = Clock.objects.get(ticket=ticket, kind="resolution")
    assert repair.stopped_at == sh(2026, 3, 3, 17, 30) and repair.state == "met"
    record = Compensation.objects.get(ticket=ticket)
    assert record.clock == arrival
    assert record.late_seconds == pytest.approx(timedelta(hours=2, minutes=30).total_seconds())
    assert record.amount == Decimal("150.00")


def test_done_when_the_service_manager_enters_the_plan_in_the_editor(world, office, api_as, suzhou, frozen):
    """Issue 8 done-when: entered in the UI, previewed, a ticket gets those clocks and a compensation record."""
    manager = Client()
    manager.force_login(world.dispatcher)
    assert not world.dispatcher.is_superuser
    _levels_on_the_page(manager)
    _zones_through_the_api(api_as)
    zone_ids = {z.code: z.pk for z in ServiceZone.objects.all()}
    data = {"name": "苏州电梯维保方案", "contract": world.contract_a.pk, "calendar": office.pk, "description": "",
            "reason": "按合同录入", "terms-unsigned_is_not_done": "on", "terms-monthly_cap": "",
            "terms-monthly_cap_share": "0.1", "terms-monthly_fee": "3000"}
    penalty = {"penalty_rate": PENALTY["rate"], "penalty_basis": PENALTY["basis"],
               "penalty_cap": PENALTY["cap_per_ticket"]}
    data.update(_formset("targets", [{**ARRIVE, **penalty}, ARRIVE_FAR, REPAIR]))
    data.update(_formset("rules", []))
    data.update(_formset("zone_rules", [{"zone": zone_ids[code], "province": province, "city": city, "order": order}
                                        for order, (code, province, city) in enumerate(ZONE_RULES)]))
    response = manager.post("/sla/plans/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = ServicePlan.objects.get(contract=world.contract_a)
    assert plan.zone_rules.count() == 4 and plan.clauses.unsigned_is_not_done
    assert plan.penalty_cap.cap == Decimal("300.00")
    page = manager.get(f"/sla/plans/{plan.pk}/edit/").content.decode()
    for _rank, name, _definition in LEVELS:  # the four named levels are the targets' severity ticks
        assert name in page
    frozen.set(REPORTED)
    tried = manager.get(f"/sla/plans/{plan.pk}/try/", {"severity": 1, "site": suzhou.pk})
    assert tried.status_code == 200
    rows = {row.target.name: row.due_at for row in preview(plan, severity=1, site=suzhou) if row.due_at}
    assert "2026-03-03 14:00" in tried.content.decode()
    published = manager.post(f"/sla/plans/{plan.pk}/publish/", {"version": ServicePlan.objects.get(pk=plan.pk).version,
                                                                 "reason": "生效"})
    assert published.status_code == 302
    assert ServicePlan.objects.get(pk=plan.pk).status == "published"
    ticket, clocks = _ticket_and_clocks(world, frozen)
    assert clocks == rows  # the preview is what the ticket then gets
    _expect_clocks_and_compensation(ticket, clocks)


def test_done_when_the_same_plan_written_through_the_api_gives_the_same_clocks(world, office, api_as, suzhou,
                                                                               frozen):
    client = api_as("dispatcher")
    for rank, name, text in LEVELS:
        level = SeverityLevel.objects.filter(rank=rank).first()
        body = {"rank": rank, "name": name, "definition": text, "active": True}
        answer = (client.patch(f"/api/v1/severity-levels/{level.pk}/", body, format="json") if level else
                  client.post("/api/v1/severity-levels/", body, format="json"))
        assert answer.status_code in (200, 201), answer.json()
    _zones_through_the_api(api_as)
    created = client.post("/api/v1/service-plans/", {
        "name": "苏州电梯维保方案", "contract": world.contract_a.pk, "calendar": office.pk, "reason": "按合同录入",
        "clauses": {"unsigned_is_not_done": True},
        "penalty_cap": {"monthly_cap_share": "0.1", "monthly_fee": "3000"},
        "zone_rules": [{"zone": code, "province": province, "city": city, "order": order}
                       for order, (code, province, city) in enumerate(ZONE_RULES)]}, format="json")
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert plan["clauses"]["unsigned_is_not_done"] is True and len(plan["zone_rules"]) == 4
    version = plan["version"]
    for body in ({**ARRIVE, "penalty": PENALTY}, ARRIVE_FAR, REPAIR):
        answer = client.post("/api/v1/plan-targets/", {**body, "plan": plan["id"], "amount": body["amount"]},
                             format="json", HTTP_IF_MATCH=f'"{version}"')
        assert answer.status_code == 201, answer.json()
        version = int(answer["ETag"].strip('"'))
    plan = client.get(f"/api/v1/service-plans/{plan['id']}/").json()
    assert plan["targets"][0]["penalty"] == PENALTY
    frozen.set(REPORTED)
    previewed = client.get(f"/api/v1/service-plans/{plan['id']}/preview/", {"severity": 1, "site": suzhou.pk}).json()
    assert {row["name"]: row["due_at"] for row in previewed if row["due_at"]} == {
        ARRIVE["name"]: "2026-03-03T14:00:00+08:00", REPAIR["name"]: "2026-03-03T18:00:00+08:00"}
    published = client.post(f"/api/v1/service-plans/{plan['id']}/publish/", {}, format="json",
                            HTTP_IF_MATCH=f'"{plan["version"]}"')
    assert published.status_code == 200, published.json()
    ticket, clocks = _ticket_and_clocks(world, frozen)
    _expect_clocks_and_compensation(ticket, clocks)
