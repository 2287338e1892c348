"""Personal data (PIPL): customers' and reporters' phone numbers are masked for roles that do not
need them — in pages, API answers and messages — and never in full in a group-chat message."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shouhou.core.privacy import mask_phone, mask_phones_in_text, may_see_full_phone
from shouhou.notify import formats
from shouhou.notify.models import OutboxMessage, WebhookEndpoint
from shouhou.notify.services import notify_users, notify_webhooks
from shouhou.tickets.services import open_ticket, perform_action

PHONE = "13812345678"
MASKED = "138****5678"


def test_one_number_is_masked_keeping_the_first_three_and_last_four_digits():
    assert mask_phone(PHONE) == MASKED
    assert mask_phone("021-62345678") == "021-****5678"
    assert mask_phone("12345") == "***45"
    assert mask_phone("") == ""


def test_numbers_inside_text_are_masked_but_ticket_numbers_serials_and_dates_are_not():
    text = "陈先生（13812345678）来电，座机 021-62345678；工单 SR00000123，序列号 FM-GF1021-01001，2026-03-02"
    masked = mask_phones_in_text(text)
    assert "13812345678" not in masked and MASKED in masked and "021-****5678" in masked
    assert "SR00000123" in masked and "FM-GF1021-01001" in masked and "2026-03-02" in masked
    assert mask_phones_in_text("电话13812345678") == f"电话{MASKED}"


@pytest.fixture
def ticket(world):
    ticket = open_ticket(world.desk, title="防火门闭门器失灵", description=f"业主陈（{PHONE}）来电反映三楼防火门无法关闭",
                         serial=world.asset_a.serial_no, severity=2, reporter_name="业主陈", reporter_phone=PHONE)
    return perform_action(world.dispatcher, ticket, "assign", assignee=world.engineer.pk, dealer=world.dealer_org_a.pk)


FULL = ["desk", "dispatcher", "admin", "engineer", "dealer_a"]
MASKED_FOR = ["technical", "finance", "customer_a"]


@pytest.mark.parametrize("role", FULL + MASKED_FOR)
def test_who_sees_the_reporters_number_in_full_on_the_ticket_page_and_in_the_api(world, ticket, role):
    user = world.users[role]
    client = Client()
    client.force_login(user)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    api = APIClient()
    api.force_authenticate(user)
    data = api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    if role in FULL:
        assert PHONE in page and data["reporter_phone"] == PHONE and PHONE in data["description"]
    else:
        assert PHONE not in page and MASKED in page
        assert data["reporter_phone"] == MASKED and PHONE not in data["description"]
        timeline = api.get(f"/api/v1/tickets/{ticket.pk}/timeline/").json()
        assert timeline and all(PHONE not in event["body"] for event in timeline)


def test_an_engineer_not_assigned_and_a_leader_see_masked_numbers(world, ticket):
    from shouhou.accounts.choices import Role
    from shouhou.accounts.models import User

    leader = User.objects.create_user("leader", role=Role.LEADERSHIP, organisation=world.own)
    assert may_see_full_phone(world.engineer, ticket) and not may_see_full_phone(world.engineer2, ticket)
    assert not may_see_full_phone(leader, ticket) and not may_see_full_phone(world.dealer_b, ticket)
    assert not may_see_full_phone(None, ticket)


@pytest.mark.parametrize(("role", "full"), [("desk", True), ("dealer_a", True), ("technical", False),
                                            ("customer_a", False), ("finance", False)])
def test_customer_phone_numbers_in_the_customer_list_and_api(world, role, full):
    world.cust_a.phone = PHONE
    world.cust_a.save()
    user = world.users[role]
    client = Client()
    client.force_login(user)
    page = client.get("/customers/").content.decode()
    api = APIClient()
    api.force_authenticate(user)
    data = api.get(f"/api/v1/customers/{world.cust_a.pk}/").json()
    assert (PHONE in page) is full and (data["phone"] == PHONE) is full
    if not full:
        assert MASKED in page and data["phone"] == MASKED


def test_a_group_chat_message_never_carries_a_number_in_full(world):
    WebhookEndpoint.objects.create(name="售后群", url="http://127.0.0.1:9/robot", format="wecom")
    (row,) = notify_webhooks(subject=f"SR00000001 报修人 {PHONE}", body=f"请联系 {PHONE}", dedupe_key="t:1")
    assert PHONE not in row.subject + row.body and MASKED in row.body
    for fmt in ("wecom", "dingtalk", "feishu"):
        request = formats.build_request(fmt, "http://127.0.0.1:9/robot", subject=f"报修 {PHONE}", body=f"电话 {PHONE}")
        assert PHONE not in request.encoded().decode() and MASKED in request.encoded().decode()


def test_an_email_masks_numbers_for_recipients_who_do_not_need_them(world, ticket):
    world.engineer.email, world.finance.email = "eng@example.com", "fin@example.com"
    world.engineer.save()
    world.finance.save()
    notify_users([world.engineer, world.finance], subject="超时", body=f"报修人 {PHONE}", dedupe_key="t:2",
                 about=ticket)
    assert PHONE in OutboxMessage.objects.get(recipient="eng@example.com").body
    assert MASKED in OutboxMessage.objects.get(recipient="fin@example.com").body
