"""Issue 8: "The REST API writes plans, targets, escalation rules, zones and calendars (today
read-only: 405), with OpenAPI" — versioned (If-Match → 409 when stale), errors naming the field."""

from __future__ import annotations

import pytest

from shouhou.sla.models import Clock, WorkingCalendar

from .conftest import open_fault, sh

pytestmark = pytest.mark.django_db

ARRIVE = {"kind": "arrival", "name": "半个工作日内到场", "amount": "1", "unit": "working_half_days",
          "start_event": "received", "stop_event": "arrived", "pause_statuses": []}


def _draft(client, world, office):
    response = client.post("/api/v1/service-plans/", {"name": "接口录入的方案", "contract": world.contract_a.pk,
                                                      "calendar": office.pk, "pause_statuses": ["pending_customer"],
                                                      "reason": "新合同"}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_plan_is_written_through_the_api_and_gives_the_ticket_its_clocks(world, office, api_as, frozen):
    client = api_as("dispatcher")
    plan = _draft(client, world, office)
    assert plan["status"] == "draft"
    target = client.post("/api/v1/plan-targets/", {**ARRIVE, "plan": plan["id"]}, format="json",
                         HTTP_IF_MATCH=f'"{plan["version"]}"')
    assert target.status_code == 201, target.json()
    assert target.json()["pause_statuses"] == [] and target["ETag"] == f'"{plan["version"] + 1}"'
    rule = client.post("/api/v1/escalation-rules/", {"plan": plan["id"], "target": target.json()["id"],
                                                     "name": "过半通知调度", "level": 1, "trigger": "share",
                                                     "share": "0.5", "action": "notify_dispatcher",
                                                     "version": plan["version"] + 1}, format="json")
    assert rule.status_code == 201, rule.json()
    frozen.set(sh(2026, 3, 2, 22, 0))
    preview = client.get(f"/api/v1/service-plans/{plan['id']}/preview/", {"severity": 1, "site": world.site_a.pk})
    assert preview.json()[0]["due_at"] == "2026-03-03T14:00:00+08:00"
    published = client.post(f"/api/v1/service-plans/{plan['id']}/publish/", {}, format="json",
                            HTTP_IF_MATCH=f'"{plan["version"] + 2}"')
    assert published.status_code == 200, published.json()
    ticket = open_fault(world, severity=1)
    assert Clock.objects.get(ticket=ticket).due_at == sh(2026, 3, 3, 14, 0)


def test_a_stale_version_is_a_409_and_a_missing_one_a_400(world, office, api_as):
    client = api_as("dispatcher")
    plan = _draft(client, world, office)
    ok = client.patch(f"/api/v1/service-plans/{plan['id']}/", {"name": "改名", "reason": "合同更名"}, format="json",
                      HTTP_IF_MATCH=f'"{plan["version"]}"')
    assert ok.status_code == 200 and ok.json()["name"] == "改名"
    history = client.get(f"/api/v1/service-plans/{plan['id']}/history/").json()["results"]
    assert history[0]["reason"] == "合同更名" and history[0]["user"] == world.dispatcher.pk
    stale = client.patch(f"/api/v1/service-plans/{plan['id']}/", {"name": "再改"}, format="json",
                         HTTP_IF_MATCH=f'"{plan["version"]}"')
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    missing = client.post("/api/v1/plan-targets/", {**ARRIVE, "plan": plan["id"]}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "version_required"


def test_validation_errors_name_the_field_in_the_users_language(world, office, api_as):
    client = api_as("dispatcher")
    plan = _draft(client, world, office)
    bad = client.post("/api/v1/plan-targets/", {**ARRIVE, "plan": plan["id"], "amount": "-1"}, format="json",
                      HTTP_IF_MATCH=f'"{plan["version"]}"')
    assert bad.status_code == 400
    assert bad.json()["amount"][0].startswith("时限：")
    wrong = client.post("/api/v1/plan-targets/", {**ARRIVE, "plan": plan["id"], "unit": "fortnights"},
                        format="json", HTTP_IF_MATCH=f'"{plan["version"]}"')
    assert wrong.status_code == 400 and wrong.json()["unit"][0].startswith("单位：")


def test_a_published_plan_is_not_patched_but_gets_a_new_version(world, office, api_as):
    client = api_as("dispatcher")
    plan = _draft(client, world, office)
    client.post(f"/api/v1/service-plans/{plan['id']}/publish/", {"version": plan["version"]}, format="json")
    refused = client.patch(f"/api/v1/service-plans/{plan['id']}/", {"name": "x"}, format="json",
                           HTTP_IF_MATCH=f'"{plan["version"] + 1}"')
    assert refused.status_code == 400 and refused.json()["code"] == "plan_published"
    draft = client.post(f"/api/v1/service-plans/{plan['id']}/new-version/")
    assert draft.status_code == 201 and draft.json()["revision"] == 2 and draft.json()["line"] == plan["id"]
    assert client.get(f"/api/v1/service-plans/{draft.json()['id']}/backtest/", {"months": 2}).status_code == 200


def test_only_service_managers_write_plans_and_zones(world, office, api_as):
    assert api_as("desk").post("/api/v1/service-plans/", {"name": "x"}, format="json").status_code == 403
    assert api_as("desk").post("/api/v1/service-zones/", {"code": "far", "name": "外省"},
                               format="json").status_code == 403
    zone = api_as("dispatcher").post("/api/v1/service-zones/", {"code": "far", "name": "外省"}, format="json")
    assert zone.status_code == 201
    renamed = api_as("dispatcher").patch(f"/api/v1/service-zones/{zone.json()['id']}/", {"name": "外省（偏远）"},
                                         format="json")
    assert renamed.json()["name"] == "外省（偏远）"


def test_calendars_are_created_and_changed_through_the_api_with_versions(world, api_as):
    client = api_as("admin")
    created = client.post("/api/v1/calendars/", {"code": "site-0830", "name": "现场 08:30–17:30",
                                                 "week": ["08:30-17:30"] * 5 + ["", ""]}, format="json")
    assert created.status_code == 201, created.json()
    calendar = WorkingCalendar.objects.get(code="site-0830")
    changed = client.patch(f"/api/v1/calendars/{calendar.pk}/", {"week": ["08:00-17:00"] * 5 + ["", ""]},
                           format="json", HTTP_IF_MATCH=f'"{calendar.version}"')
    assert changed.status_code == 200, changed.json()
    stale = client.patch(f"/api/v1/calendars/{calendar.pk}/", {"name": "x"}, format="json",
                         HTTP_IF_MATCH=f'"{calendar.version}"')
    assert stale.status_code == 409
    bad = client.patch(f"/api/v1/calendars/{calendar.pk}/", {"week": ["9-5"] * 7}, format="json",
                       HTTP_IF_MATCH=f'"{changed.json()["version"]}"')
    assert bad.status_code == 400 and "week" in bad.json()
    assert api_as("dispatcher").post("/api/v1/calendars/", {"code": "x", "name": "x"},
                                     format="json").status_code == 403
