"""/api/v1/outbox/: read-only, internal staff only, robot URLs masked (issue 3)."""

from __future__ import annotations

import pytest

from shouhou.notify import services
from shouhou.notify.choices import OutboxStatus
from shouhou.notify.models import OutboxMessage, WebhookEndpoint
from shouhou.tickets.services import open_ticket

URL = "/api/v1/outbox/"


@pytest.fixture
def outbox(world):
    endpoint = WebhookEndpoint.objects.create(name="售后群", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET",
                                              format="wecom")
    ticket = open_ticket(world.desk, title="闭门器漏油", serial=world.asset_a.serial_no)
    services.notify_webhooks(subject="一级故障超时", body="SR-1", dedupe_key="breach:1", about=ticket)
    services.enqueue(channel="email", recipient="li@example.test", subject="到场提醒", body="B", dedupe_key="m:1",
                     about=ticket)
    return endpoint


@pytest.mark.parametrize("persona", ["desk", "dispatcher", "finance", "admin"])
def test_internal_staff_read_the_messages_about_tickets_they_see(api_as, outbox, persona):
    response = api_as(persona).get(URL)
    assert response.status_code == 200
    assert response.data["count"] == 2


def test_an_engineer_reads_nothing_about_a_ticket_not_his(api_as, outbox):
    """Issue 6, hardening: the ticket is nobody's job yet, so the engineer cannot open it."""
    response = api_as("engineer").get(URL)
    assert response.status_code == 200 and response.data["count"] == 0


def test_a_message_about_nothing_is_for_the_outbox_managers_only(api_as, world):
    services.enqueue(channel="email", recipient="li@example.test", subject="系统", body="B", dedupe_key="sys:1")
    counts = {p: api_as(p).get(URL).data["count"] for p in ("desk", "finance", "dispatcher", "admin")}
    assert counts == {"desk": 0, "finance": 0, "dispatcher": 1, "admin": 1}


def test_a_stored_message_shows_phone_numbers_only_as_the_reader_may_see_them(api_as, world):
    """Issue 6 (PIPL): the desk's reminder keeps the reporter's number in full for the desk; finance,
    who sees numbers masked everywhere, reads it masked in the outbox too."""
    ticket = open_ticket(world.desk, title="闭门器漏油", serial=world.asset_a.serial_no)
    services.enqueue(channel="email", recipient="desk@example.test", subject="回电 13812345678",
                     body="请回电 13812345678", dedupe_key="phone:1", about=ticket, payload={"phone": "13812345678"})

    def read(persona):
        rows = api_as(persona).get(URL, {"q": "phone:1"}).data["results"]
        return next((row["subject"], row["body"], row["payload"]) for row in rows if row["dedupe_key"] == "phone:1")

    assert read("desk") == ("回电 13812345678", "请回电 13812345678", {"phone": "13812345678"})
    assert read("finance") == ("回电 138****5678", "请回电 138****5678", {"phone": "138****5678"})


@pytest.mark.parametrize("persona", ["dealer_a", "customer_a"])
def test_dealers_and_customers_are_refused(api_as, outbox, persona):
    assert api_as(persona).get(URL).status_code == 403
    row = OutboxMessage.objects.first()
    assert api_as(persona).get(f"{URL}{row.pk}/").status_code == 403


def test_anonymous_is_refused(api, outbox):
    assert api.get(URL).status_code in (401, 403)


def test_outbox_api_is_read_only(api_as, outbox):
    client = api_as("admin")
    row = OutboxMessage.objects.first()
    assert client.post(URL, {"channel": "email"}).status_code == 405
    assert client.patch(f"{URL}{row.pk}/", {"status": "sent"}).status_code == 405
    assert client.delete(f"{URL}{row.pk}/").status_code == 405


def test_robot_urls_are_masked_because_they_carry_the_token(api_as, outbox):
    data = api_as("desk").get(URL, {"channel": "webhook"}).data["results"]
    assert len(data) == 1
    assert data[0]["recipient"] == "https://qyapi.weixin.qq.com/…"
    assert data[0]["endpoint_name"] == "售后群"
    assert "SECRET" not in str(data)


def test_filters_by_status_and_search(api_as, outbox):
    OutboxMessage.objects.filter(channel="email").update(status=OutboxStatus.DEAD, last_error="SMTP refused")
    client = api_as("dispatcher")
    dead = client.get(URL, {"status": "dead"}).data
    assert [r["subject"] for r in dead["results"]] == ["到场提醒"]
    assert dead["results"][0]["last_error"] == "SMTP refused"
    assert client.get(URL, {"q": "li@example"}).data["count"] == 1
    assert client.get(URL, {"q": "qyapi"}).data["count"] == 0  # robot URLs are not searchable


def test_outbox_list_query_count_does_not_grow_with_rows(api_as, outbox, django_assert_max_num_queries):
    for i in range(30):
        services.notify_webhooks(subject="S", body="B", dedupe_key=f"many:{i}")
    client = api_as("admin")
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    assert response.status_code == 200 and len(response.data["results"]) == 25
