"""Dispatch REST API: /api/v1/visits/, /api/v1/fault-reports/, /api/v1/engineers/ (P5.4, P10.3, P10.4, P12.3)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.utils import timezone

from shouhou.dispatch import services
from shouhou.dispatch.models import FaultReport, Visit
from shouhou.tickets.choices import Status
from shouhou.tickets.services import transition_ticket
from shouhou.tickets.signals import ACTION_HANDLERS

from .conftest import data_url, png_bytes

pytestmark = pytest.mark.django_db


def soon():
    return (timezone.now() + dt.timedelta(hours=3)).isoformat()


def on_site(world, ticket, user=None):
    user = user or world.engineer
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    services.book_appointment(user, ticket, timezone.now() + dt.timedelta(hours=2), "")
    services.start_travel(user, ticket)
    return services.record_arrival(user, ticket)


def test_p10_3_whole_flow_through_the_api_and_action_handlers(world, ticket, api_as):
    desk, eng, cust = api_as("dispatcher"), api_as("engineer"), api_as("customer_a")
    # assign / book / set off go through the handlers the tickets API dispatches to
    ticket = ACTION_HANDLERS["assign"](ticket, world.dispatcher, assignee=str(world.engineer.pk),
                                       version=ticket.version)
    ticket = ACTION_HANDLERS["book_appointment"](ticket, world.engineer, appointment_at=soon(), note="物业王经理")
    assert ticket.status == Status.APPOINTMENT_BOOKED
    visit_id = eng.get("/api/v1/visits/", {"ticket": ticket.pk}).json()["results"][0]["id"]
    res = eng.post(f"/api/v1/visits/{visit_id}/depart/", {"version": ticket.version})
    assert res.status_code == 200 and res.json()["departed_at"]
    res = eng.post(f"/api/v1/visits/{visit_id}/arrive/", {})
    assert res.status_code == 200 and res.json()["arrived_at"]
    res = eng.post(f"/api/v1/visits/{visit_id}/leave/", {"work_done": "更换闭门器", "parts_used": "闭门器 ×1"})
    assert res.status_code == 200 and res.json()["left_at"]
    res = eng.post(f"/api/v1/visits/{visit_id}/sign/", {"method": "drawn", "signer_name": "陈先生",
                                                        "signature": data_url(png_bytes())})
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["is_signed"] and body["signature_url"].endswith(f"/dispatch/visits/{visit_id}/signature.png")
    ticket = transition_ticket(ticket, world.engineer, "resolve", resolution="已更换")
    ticket = transition_ticket(ticket, world.users["customer_a"], "confirm")
    ticket = transition_ticket(ticket, world.desk, "close")
    assert ticket.status == Status.CLOSED
    assert desk.get(f"/api/v1/visits/{visit_id}/").json()["signer_name"] == "陈先生"
    assert cust.get(f"/api/v1/visits/{visit_id}/").status_code == 200


def test_handlers_report_bad_payload_as_translated_field_errors(world, ticket):
    from shouhou.core.errors import ServiceError

    for action, payload, field in [
        ("assign", {"assignee": "abc"}, "assignee"),
        ("assign", {"assignee": world.technical.pk}, "assignee"),
        ("assign", {"dealer": world.own.pk}, "dealer"),
        ("assign", {"assignee": world.engineer.pk, "version": "x"}, "version"),
    ]:
        with pytest.raises(ServiceError) as err:
            ACTION_HANDLERS[action](ticket, world.dispatcher, **payload)
        assert err.value.field == field
    ACTION_HANDLERS["assign"](ticket, world.dispatcher, assignee=world.engineer.pk)
    with pytest.raises(ServiceError) as err:
        ACTION_HANDLERS["book_appointment"](ticket, world.engineer, appointment_at="next tuesday")
    assert err.value.code == "bad_datetime" and err.value.field == "appointment_at"


def test_sign_by_account_through_the_api_confirms_a_resolved_ticket(world, ticket, api_as):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    transition_ticket(ticket, world.engineer, "resolve", resolution="已调整")
    res = api_as("customer_a").post(f"/api/v1/visits/{visit.pk}/sign/", {"method": "account"})
    assert res.status_code == 200 and res.json()["signer_name"] == "业主陈"
    ticket.refresh_from_db()
    assert ticket.status == Status.CUSTOMER_CONFIRMED


def test_customer_of_another_customer_cannot_see_sign_or_confirm_a_visit(world, ticket, api_as):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    other = api_as("customer_b")
    assert other.get(f"/api/v1/visits/{visit.pk}/").status_code == 404
    assert other.post(f"/api/v1/visits/{visit.pk}/sign/", {"method": "account"}).status_code == 404
    assert other.get("/api/v1/visits/").json()["count"] == 0


def test_engineer_not_assigned_cannot_see_or_act_on_the_visit(world, ticket, api_as):
    visit = on_site(world, ticket)
    other = api_as("engineer2")
    assert other.post(f"/api/v1/visits/{visit.pk}/leave/", {"work_done": "x"}).status_code == 404
    # the desk sees it, but cannot sign by account: that is the customer's own confirmation
    services.record_departure(world.engineer, visit, "调整")
    res = api_as("desk").post(f"/api/v1/visits/{visit.pk}/sign/", {"method": "account"})
    assert res.status_code == 403


def test_p10_4_signature_png_errors_are_named_in_the_api(world, ticket, api_as):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    eng = api_as("engineer")
    cases = [
        ("", "signature_required"),
        ("data:image/jpeg;base64,/9j/4AAQ", "signature_not_png"),
        ("not base64 at all!", "signature_not_png"),
        (base64.b64encode(b"\x89PNG\r\n\x1a\nbroken").decode(), "signature_invalid"),
        (data_url(png_bytes(blank=True)), "signature_blank"),
    ]
    for signature, code in cases:
        res = eng.post(f"/api/v1/visits/{visit.pk}/sign/", {"method": "drawn", "signer_name": "陈", "signature": signature})
        assert res.status_code == 400 and res.json()["code"] == code, (code, res.json())
        assert res.json()["field"] == "signature"
    assert not Visit.objects.get(pk=visit.pk).is_signed


def test_p12_3_signed_visit_is_immutable_and_amendments_are_recorded_via_api(world, ticket, api_as):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "更换闭门器", "闭门器 ×1")
    eng = api_as("engineer")
    eng.post(f"/api/v1/visits/{visit.pk}/sign/", {"method": "drawn", "signer_name": "陈", "signature": data_url(png_bytes())})
    res = eng.post(f"/api/v1/visits/{visit.pk}/leave/", {"work_done": "改写记录"})
    assert res.status_code == 400 and res.json()["code"] == "visit_signed"
    res = eng.post(f"/api/v1/visits/{visit.pk}/amendments/", {"reason": "数量笔误", "parts_used": "闭门器 ×2"})
    assert res.status_code == 201
    assert res.json()["changes"] == {"parts_used": {"before": "闭门器 ×1", "after": "闭门器 ×2"}}
    body = eng.get(f"/api/v1/visits/{visit.pk}/").json()
    assert body["parts_used"] == "闭门器 ×1" and len(body["amendments"]) == 1


def test_signature_image_is_served_only_within_scope(world, ticket, api_as, client):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    services.sign_visit(world.engineer, visit, "drawn", "陈先生", png_bytes())
    client.force_login(world.users["customer_a"])
    res = client.get(f"/dispatch/visits/{visit.pk}/signature.png")
    assert res.status_code == 200 and res["Content-Type"] == "image/png"
    assert b"".join(res.streaming_content).startswith(b"\x89PNG")
    client.force_login(world.users["customer_b"])
    assert client.get(f"/dispatch/visits/{visit.pk}/signature.png").status_code == 404


def test_dealer_assignment_lets_dealer_a_staff_act_but_not_dealer_b(world, ticket, api_as):
    services.assign_ticket(world.dispatcher, ticket, dealer=world.users["dealer_a"].organisation)
    ACTION_HANDLERS["book_appointment"](ticket, world.users["dealer_a"], appointment_at=soon())
    visit = Visit.objects.get(ticket=ticket)
    assert api_as("dealer_b").post(f"/api/v1/visits/{visit.pk}/depart/", {}).status_code == 404
    assert api_as("dealer_a").post(f"/api/v1/visits/{visit.pk}/depart/", {}).status_code == 200


def test_p5_4_fault_reports_customers_see_only_shared_ones(world, ticket, api_as):
    desk = api_as("technical")
    shared = desk.post("/api/v1/fault-reports/", {"ticket": ticket.pk, "cause": "闭门器老化", "fix": "更换",
                                                  "prevention": "每季度检查", "shared_with_customer": True})
    internal = desk.post("/api/v1/fault-reports/", {"ticket": ticket.pk, "cause": "批次问题", "fix": "召回",
                                                    "prevention": "换供应商", "shared_with_customer": False})
    assert shared.status_code == internal.status_code == 201
    cust = api_as("customer_a")
    assert [r["id"] for r in cust.get("/api/v1/fault-reports/").json()["results"]] == [shared.json()["id"]]
    assert cust.get(f"/api/v1/fault-reports/{internal.json()['id']}/").status_code == 404
    assert api_as("customer_b").get("/api/v1/fault-reports/").json()["count"] == 0
    assert desk.get("/api/v1/fault-reports/", {"ticket": ticket.pk}).json()["count"] == 2


def test_fault_report_create_is_idempotent_and_scoped(world, ticket, ticket_b, api_as):
    desk = api_as("desk")
    payload = {"ticket": ticket.pk, "cause": "a", "fix": "b", "prevention": "c"}
    first = desk.post("/api/v1/fault-reports/", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    again = desk.post("/api/v1/fault-reports/", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 200 and first.json()["id"] == again.json()["id"]
    assert FaultReport.objects.count() == 1
    res = api_as("customer_a").post("/api/v1/fault-reports/", payload)
    assert res.status_code == 403
    res = api_as("dealer_a").post("/api/v1/fault-reports/", {**payload, "ticket": ticket_b.pk})
    assert res.status_code == 400 and "ticket" in res.json()


def test_engineers_list_is_for_staff_and_dealers_only(world, ticket, api_as):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    res = api_as("dispatcher").get("/api/v1/engineers/")
    rows = {r["username"]: r["open_jobs"] for r in res.json()["results"]}
    assert rows == {"engineer": 1, "engineer2": 0}
    assert api_as("dealer_a").get("/api/v1/engineers/").status_code == 200
    assert api_as("customer_a").get("/api/v1/engineers/").status_code == 403
    assert api_as("customer_a").get("/api/v1/engineers/").status_code == 403


def test_visits_list_query_count_is_pinned(world, django_assert_max_num_queries, api_as):
    from shouhou.tickets.services import open_ticket

    for i in range(6):
        t = open_ticket(world.desk, title=f"故障{i}", serial=world.asset_a.serial_no)
        visit = services.record_departure(world.engineer, on_site(world, t), "调整")
        services.sign_visit(world.engineer, visit, "drawn", "陈", png_bytes())
        services.amend_visit(world.desk, visit, "补记", parts_used=f"零件{i}")
    desk = api_as("desk")
    with django_assert_max_num_queries(3):
        res = desk.get("/api/v1/visits/")
    assert res.json()["count"] == 6
