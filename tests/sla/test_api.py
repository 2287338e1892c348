"""The SLA REST API: /calendars/, /service-plans/, /clocks/ (issue 3) — scoped, filtered, documented."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shouhou.sla.models import Clock, ServicePlan

from .conftest import act, open_fault, sh, template


@pytest.fixture
def p13_ticket(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 10, 20))
    return act(ticket, world.desk, "accept")


def test_clock_list_is_scoped_through_the_tickets_visible_to(api_as, p13_ticket):
    assert api_as("desk").get("/api/v1/clocks/").json()["count"] == 3
    assert api_as("customer_a").get("/api/v1/clocks/").json()["count"] == 3
    assert api_as("customer_b").get("/api/v1/clocks/").json()["count"] == 0
    assert api_as("dealer_b").get("/api/v1/clocks/").json()["count"] == 0


def test_out_of_scope_clock_and_its_explanation_are_404(api_as, p13_ticket):
    clock = Clock.objects.filter(ticket=p13_ticket).first()
    assert api_as("customer_b").get(f"/api/v1/clocks/{clock.pk}/").status_code == 404
    assert api_as("customer_b").get(f"/api/v1/clocks/{clock.pk}/explain/").status_code == 404


def test_clocks_filter_by_state_and_due_before_ordered_by_due(api_as, p13_ticket, django_assert_max_num_queries):
    client = api_as("dispatcher")
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/clocks/", {"state": "running", "due_before": "2026-03-02T13:00:00+08:00"}).json()
    names = [row["name"] for row in body["results"]]
    assert names == ["2 小时内派工程师到现场"]  # response met at accept; 4 h clock due 14:00
    met = client.get("/api/v1/clocks/", {"state": "met"}).json()["results"]
    assert [row["kind"] for row in met] == ["response"]
    dues = [row["due_at"] for row in client.get("/api/v1/clocks/", {"ordering": "due_at"}).json()["results"]]
    assert dues == sorted(dues)


def test_clock_explain_lists_start_and_stop_with_working_and_wall_time(api_as, p13_ticket, frozen):
    clock = Clock.objects.get(ticket=p13_ticket, kind="response")
    body = api_as("desk").get(f"/api/v1/clocks/{clock.pk}/explain/").json()
    assert [s["what"] for s in body["steps"]] == ["start", "stop"]
    assert body["steps"][-1]["wall_seconds"] == 20 * 60
    assert body["margin_seconds"] == 10 * 60
    assert body["state"] == "met"


def test_service_plan_templates_p5_p8_p13_p14_are_listed(api_as, world):
    body = api_as("desk").get("/api/v1/service-plans/", {"is_template": "true"}).json()
    assert {row["source"] for row in body["results"]} >= {"P5", "P8", "P13", "P14"}


def test_dispatcher_creates_a_contract_plan_from_a_template_and_customers_may_not(api_as, world):
    p13 = template("P13")
    denied = api_as("customer_a").post(f"/api/v1/service-plans/{p13.pk}/create-plan/", {"contract": world.contract_a.pk})
    assert denied.status_code == 404  # templates are not visible to customers
    response = api_as("dispatcher").post(f"/api/v1/service-plans/{p13.pk}/create-plan/",
                                         {"contract": world.contract_a.pk})
    assert response.status_code == 201, response.content
    assert response.json()["contract"] == world.contract_a.pk
    assert len(response.json()["targets"]) == 3
    again = api_as("dispatcher").post(f"/api/v1/service-plans/{p13.pk}/create-plan/", {"contract": world.contract_a.pk})
    assert again.status_code == 400 and again.json()["code"] == "contract_has_plan"
    assert ServicePlan.objects.filter(contract=world.contract_a).count() == 1


def test_desk_without_plan_rights_is_refused_403(api_as, world):
    response = api_as("desk").post(f"/api/v1/service-plans/{template('P13').pk}/create-plan/",
                                   {"contract": world.contract_a.pk})
    assert response.status_code == 403


def test_calendars_report_when_their_holiday_data_runs_out(api_as, world, frozen):
    frozen.set(sh(2026, 11, 27, 9, 0))
    rows = {row["code"]: row for row in api_as("engineer").get("/api/v1/calendars/").json()["results"]}
    assert rows["cn-5x8"]["known_until"] == "2026-12-31"
    assert rows["cn-5x8"]["expiring"] is True and rows["cn-5x8"]["days_left"] == 34
    assert rows["cn-7x24"]["expiring"] is False and rows["cn-7x24"]["days_left"] is None
    days = api_as("engineer").get(f"/api/v1/calendars/{rows['cn-5x8']['id']}/days/", {"year": 2026}).json()
    assert days["count"] > 30
    first = {d["date"]: d["kind"] for d in days["results"]}
    assert first["2026-01-01"] == "holiday" and first["2026-01-04"] == "makeup"  # 元旦 and its 调休 Sunday


def test_anonymous_users_get_nothing(api, world):
    assert api.get("/api/v1/clocks/").status_code in (401, 403)
    assert api.get("/api/v1/calendars/").status_code in (401, 403)


def test_due_before_is_a_window_on_the_state_due_index(api_as, p13_ticket):
    later = (sh(2026, 3, 2, 10, 20) + timedelta(hours=10)).isoformat()
    assert api_as("desk").get("/api/v1/clocks/", {"due_before": later, "state": "running"}).json()["count"] == 2
