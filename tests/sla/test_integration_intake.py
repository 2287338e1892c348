"""On intake the reporter is told the expected response and arrival times (issue 3; P13.2 here).

Desk form, customer portal form and API create all answer with the promises that the sla app
derives from the new request's clocks (core.hooks promise registry); the detail page header and
the API retrieve carry them while they are open.  Time is frozen.
"""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import Client

from shouhou.sla.services import record_milestone
from shouhou.tickets.models import Ticket

from .conftest import open_fault, sh


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


P13_PROMISES = "响应 2026-03-02 09:30; 到达现场 2026-03-02 11:00; 解决 2026-03-02 13:00"


def test_desk_report_form_tells_the_expected_times(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    response = login(world.desk).post("/tickets/new/", {
        "title": "门禁系统瘫痪", "severity": 1, "channel": "phone", "support_mode": "on_site",
        "serial": world.asset_a.serial_no, "reporter_name": "业主陈"})
    assert response.status_code == 302, response.content.decode()[:2000]
    number = Ticket.objects.get().number  # PostgreSQL does not reset id sequences between tests
    assert flash(response) == [f"服务工单 {number} 已登记。预计：{P13_PROMISES}。"]


def test_customer_portal_report_tells_the_expected_times(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    response = login(world.customer_a).post("/tickets/new/", {
        "title": "大门无法关闭", "severity": 1, "support_mode": "on_site", "serial": world.asset_a.serial_no})
    assert response.status_code == 302, response.content.decode()[:2000]
    (message,) = flash(response)
    assert "预计：" in message and "响应 2026-03-02 09:30" in message and "到达现场 2026-03-02 11:00" in message


def test_without_a_service_plan_the_message_promises_nothing(world, frozen):
    response = login(world.desk).post("/tickets/new/", {
        "title": "门诊楼防火门异响", "severity": 3, "channel": "phone", "support_mode": "on_site",
        "serial": world.asset_b.serial_no})
    assert flash(response) == [f"服务工单 {Ticket.objects.get().number} 已登记。"]


def test_api_create_and_retrieve_carry_the_promises(world, api_as, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    created = api_as("customer_a").post("/api/v1/tickets/", {"title": "大门无法关闭", "severity": 1,
                                                             "serial": world.asset_a.serial_no})
    assert created.status_code == 201
    assert created.json()["promises"] == [
        {"kind": "response", "label": "响应", "due_at": "2026-03-02T09:30:00+08:00"},
        {"kind": "arrival", "label": "到达现场", "due_at": "2026-03-02T11:00:00+08:00"},
        {"kind": "resolution", "label": "解决", "due_at": "2026-03-02T13:00:00+08:00"},
    ]
    assert created.json()["next_due_at"] == "2026-03-02T09:30:00+08:00"
    ticket_id = created.json()["id"]
    # A kept promise is no longer promised
    frozen.set(sh(2026, 3, 2, 9, 10))
    record_milestone(world.desk, Ticket.objects.get(pk=ticket_id), "contacted")
    again = api_as("customer_a").get(f"/api/v1/tickets/{ticket_id}/").json()
    assert [p["kind"] for p in again["promises"]] == ["arrival", "resolution"]
    # Customers of other companies still get 404, promises or not
    assert api_as("customer_b").get(f"/api/v1/tickets/{ticket_id}/").status_code == 404


def test_api_list_rows_do_not_compute_promises(world, api_as, p13_contract, frozen):
    """Promises cost a query per ticket: the list row has next_due_at instead."""
    open_fault(world, severity=1)
    row = api_as("desk").get("/api/v1/tickets/").json()["results"][0]
    assert "promises" not in row and row["next_due_at"] is not None


def test_detail_page_header_shows_the_open_promises(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=1)
    html = login(world.customer_a).get(f"/tickets/{ticket.pk}/").content.decode()
    header = html[html.index('class="promises"'):html.index("</p>", html.index('class="promises"'))]
    assert "预计时间" in header
    assert "响应 2026-03-02 09:30" in header and "到达现场 2026-03-02 11:00" in header
    assert "解决 2026-03-02 13:00" in header


def test_promises_in_english_when_the_reporter_reads_english(world, api_as, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    created = api_as("desk").post("/api/v1/tickets/", {"title": "Gate stuck", "severity": 1,
                                                       "serial": world.asset_a.serial_no},
                                  HTTP_ACCEPT_LANGUAGE="en")
    assert [p["label"] for p in created.json()["promises"]] == ["Response", "Arrival on site", "Resolution"]


def test_create_answer_with_promises_matches_the_openapi_schema(world, api_as, p13_contract, frozen):
    from drf_spectacular.generators import SchemaGenerator
    from openapi_schema_validator import OAS30Validator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["paths"]["/api/v1/tickets/"]["post"]["responses"]["201"]["content"]["application/json"]
    body = api_as("desk").post("/api/v1/tickets/", {"title": "门禁系统瘫痪", "severity": 1,
                                                    "serial": world.asset_a.serial_no}).json()
    assert len(body["promises"]) == 3
    OAS30Validator({**documented["schema"], "components": schema["components"]}).validate(body)
    props = schema["components"]["schemas"]["Ticket"]["properties"]
    assert props["promises"]["items"]["$ref"].endswith("/Promise")
