"""Channels besides e-mail (issue 7): SMS with approved templates and delivery receipts, a staff
member's own WeCom / DingTalk / Feishu account, and group robots throttled with digests.
Every request goes to a local receiver on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from shouhou.dispatch import services as dispatch
from shouhou.notify import services, throttle
from shouhou.notify.models import ChatAccount, NotificationRule, OutboxMessage, WebhookEndpoint
from shouhou.tickets.services import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(world):
    return open_ticket(world.desk, title="防火门闭门器失灵", serial=world.asset_a.serial_no, severity=2,
                       reporter_name="陈先生", reporter_phone="13812345678")


@pytest.fixture(autouse=True)
def _fresh_tokens():
    cache.clear()  # chat apps' access tokens are cached between sends
    yield
    cache.clear()


@pytest.fixture
def sms_provider(settings, receiver):
    settings.NOTIFY_SMS_URL = receiver.url
    settings.NOTIFY_SMS_KEY = "sms-key"
    settings.NOTIFY_SMS_SIGN_NAME = "售后服务"
    settings.NOTIFY_SMS_RECEIPT_TOKEN = "receipt-token"
    return receiver


def test_the_customer_gets_an_sms_from_an_approved_template_and_its_receipt_is_recorded(world, ticket, sms_provider):
    world.customer_a.phone = "13912345678"
    world.customer_a.save()
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    dispatch.book_appointment(world.engineer, ticket, timezone.now() + dt.timedelta(hours=3))
    OutboxMessage.objects.filter(channel="sms").update(status="sent")  # booked: already told (evidence, kept)
    sms_provider.replies = [(200, b'{"code":"OK","message_id":"m-1"}'), (200, b'{"code":"OK","message_id":"m-2"}')]
    dispatch.start_travel(world.engineer, ticket)
    rows = OutboxMessage.objects.filter(channel="sms", subject__startswith="工程师已出发").order_by("pk")
    assert sorted(rows.values_list("recipient", flat=True)) == ["13812345678", "13912345678"]  # reporter, customer user
    assert services.deliver_due()["sent"] == 2
    sent = sorted((r["json"] for r in sms_provider.requests), key=lambda body: body["to"])
    assert sent[0] == {"to": "13812345678", "sign_name": "售后服务", "template_code": "SMS_ON_THE_WAY",
                       "params": {"number": ticket.number, "engineer": "工程师张"}, "out_id": sent[0]["out_id"]}
    assert sms_provider.requests[0]["headers"]["Authorization"] == "Bearer sms-key"
    assert sorted(rows.values_list("provider_message_id", flat=True)) == ["m-1", "m-2"]
    # the provider reports: one delivered, one not
    receipt = Client().post("/notify/sms/receipts/", json.dumps([
        {"message_id": "m-1", "status": "DELIVERED"}, {"message_id": "m-2", "status": "FAILED", "error": "停机"}]),
        content_type="application/json", HTTP_X_SHOUHOU_TOKEN="receipt-token")
    assert receipt.json() == {"updated": 2}
    states = dict(rows.values_list("provider_message_id", "receipt_status"))
    assert states == {"m-1": "delivered", "m-2": "failed"}
    assert rows.get(provider_message_id="m-2").receipt_error == "停机"
    # the outbox shows an SMS recipient masked
    assert rows.get(provider_message_id="m-1").display_recipient.count("*") == 4


def test_receipts_need_the_shared_token(world, sms_provider, settings):
    post = Client().post
    body = json.dumps({"message_id": "x", "status": "delivered"})
    assert post("/notify/sms/receipts/", body, content_type="application/json").status_code == 403
    assert post("/notify/sms/receipts/?token=wrong", body, content_type="application/json").status_code == 403
    settings.NOTIFY_SMS_RECEIPT_TOKEN = ""
    assert post("/notify/sms/receipts/?token=", body, content_type="application/json").status_code == 404


def test_an_sms_provider_error_is_retried_and_no_provider_means_no_sms(world, ticket, sms_provider, settings):
    sms_provider.replies = [(200, b'{"code":"isv.BUSINESS_LIMIT_CONTROL","message":"limit"}')]
    row = services.enqueue(channel="sms", recipient="13912345678", subject="S", body="B", dedupe_key="s:1",
                           payload={"template_code": "SMS_1", "params": {}})
    assert services.deliver_due()["failed"] == 1
    row.refresh_from_db()
    assert row.status == "failed" and "BUSINESS_LIMIT_CONTROL" in row.last_error
    settings.NOTIFY_SMS_URL = ""
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    dispatch.book_appointment(world.engineer, ticket, timezone.now() + dt.timedelta(hours=3))
    assert list(OutboxMessage.objects.filter(channel="sms")) == [row]


CHAT_APPS = {
    "wecom": ({"corp_id": "corp", "secret": "s", "agent_id": "1000002"},
              b'{"errcode":0,"access_token":"T1","expires_in":7200}', "/cgi-bin/gettoken?corpid=corp&corpsecret=s",
              "/cgi-bin/message/send?access_token=T1", "touser"),
    "dingtalk": ({"app_key": "k", "app_secret": "s", "agent_id": "42"},
                 b'{"errcode":0,"access_token":"T1","expires_in":7200}', "/gettoken?appkey=k&appsecret=s",
                 "/topapi/message/corpconversation/asyncsend_v2?access_token=T1", "userid_list"),
    "feishu": ({"app_id": "cli_1", "app_secret": "s"}, b'{"code":0,"tenant_access_token":"T1","expire":7200}',
               "/open-apis/auth/v3/tenant_access_token/internal", "/open-apis/im/v1/messages?receive_id_type=user_id",
               "receive_id"),
}


@pytest.mark.parametrize("app", list(CHAT_APPS))
def test_an_engineer_gets_the_job_as_an_app_message_in_his_own_chat_account(world, ticket, receiver, settings, app):
    conf, token_reply, token_path, send_path, user_field = CHAT_APPS[app]
    settings.NOTIFY_CHAT_APPS = {app: {"base_url": f"http://127.0.0.1:{receiver.port}", **conf}}
    ChatAccount.objects.create(user=world.engineer, app=app, account_id="zhangsan")
    receiver.replies = [(200, token_reply)]
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    row = OutboxMessage.objects.get(channel="chat")
    assert (row.recipient, row.format) == ("zhangsan", app)
    assert services.deliver_due()["sent"] == 1
    token, send = receiver.requests
    assert token["path"] == token_path and send["path"] == send_path
    assert send["json"][user_field] == "zhangsan" and ticket.number in json.dumps(send["json"], ensure_ascii=False)
    if app == "feishu":
        assert send["headers"]["Authorization"] == "Bearer T1"


def test_a_chat_app_refusing_the_token_is_a_retryable_failure(world, receiver, settings):
    settings.NOTIFY_CHAT_APPS = {"wecom": {"base_url": f"http://127.0.0.1:{receiver.port}", "corp_id": "c",
                                           "secret": "bad", "agent_id": "1"}}
    receiver.replies = [(200, b'{"errcode":40001,"errmsg":"invalid credential"}')]
    row = services.enqueue(channel="chat", recipient="zhangsan", subject="S", body="B", dedupe_key="c:1",
                           format="wecom")
    assert services.deliver_due()["failed"] == 1
    row.refresh_from_db()
    assert "40001" in row.last_error


# ------------------------------------------------------------------------------ group robots

@pytest.fixture
def robot(receiver):
    return WebhookEndpoint.objects.create(name="售后群", url=receiver.url, format="wecom")


def queue_robot(n, start=0):
    for i in range(start, start + n):
        services.notify_webhooks(subject=f"消息{i}", body="B", dedupe_key=f"robot-test:{i}")


def test_a_group_robot_gets_at_most_20_messages_a_minute_and_the_rest_as_one_digest(world, robot, receiver):
    queue_robot(25)
    counts = services.deliver_due()
    posts = receiver.requests
    assert len(posts) == 20 and counts["digested"] == 6
    digest = posts[-1]["json"]["markdown"]["content"]
    assert "6" in digest and all(f"消息{i}" in digest for i in range(19, 25))
    assert OutboxMessage.objects.filter(status="digested").count() == 6
    # a minute is not over: the next messages wait instead of being dropped by the robot
    queue_robot(3, start=25)
    assert services.deliver_due().get("deferred") == 3 and len(receiver.requests) == 20
    waiting = OutboxMessage.objects.filter(subject__in=["消息25", "消息26", "消息27"])
    assert set(waiting.values_list("status", "attempts")) == {("pending", 0)}
    later = timezone.now() + dt.timedelta(seconds=61)
    assert services.deliver_due(now=later)["sent"] == 3 and len(receiver.requests) == 23


def test_generic_webhooks_are_not_throttled(world, receiver):
    WebhookEndpoint.objects.create(name="系统", url=receiver.url, format="generic")
    queue_robot(22)
    assert services.deliver_due()["sent"] == 22


def test_robot_messages_from_a_rule_always_mask_phone_numbers(world, robot):
    rule = NotificationRule.objects.get(kind__code="ticket.reported", roles=["dispatcher"])
    rule.channels = ["robot"]
    rule.save()
    rule.templates.filter(language="zh-hans").update(body="报修人电话：13812345678")
    open_ticket(world.desk, title="门禁故障", serial=world.asset_a.serial_no)
    row = OutboxMessage.objects.get(endpoint=robot)
    assert row.body == "报修人电话：138****5678"


@given(st.integers(0, 40), st.integers(0, 60), st.integers(1, 30))
def test_the_throttle_never_exceeds_the_limit_and_loses_nothing(posted, waiting, limit):
    plan = throttle.plan(posted, waiting, limit)
    assert plan.single + plan.digested + plan.deferred == waiting
    assert plan.posts <= max(0, limit - posted)
    assert plan.digested != 1  # a digest of one message would just be the message
    assert (plan.deferred > 0) == (waiting > 0 and posted >= limit)
