"""Outbox services: queued in the cause's transaction, delivered by a worker, retried, never twice (issue 3)."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.notify import services
from shouhou.notify.choices import Channel, OutboxStatus, WebhookFormat
from shouhou.notify.models import OutboxMessage, WebhookEndpoint


def webhook(receiver, key="k1", fmt=WebhookFormat.GENERIC, endpoint=None, **extra):
    return services.enqueue(channel=Channel.WEBHOOK, recipient=receiver.url, subject="一级故障即将超时",
                            body="工单 SR-000001 还剩 15 分钟", dedupe_key=key, format=fmt, endpoint=endpoint, **extra)


def later(minutes):
    return timezone.now() + timedelta(minutes=minutes)


# ------------------------------------------------------------------------------------------ queue

@pytest.mark.django_db
def test_same_dedupe_key_twice_queues_one_row():
    """Given a cause already queued, when the same cause is queued again, then there is still one row."""
    first = services.enqueue(channel="email", recipient="a@example.test", subject="S", body="B", dedupe_key="clock:1:warn")
    again = services.enqueue(channel="email", recipient="a@example.test", subject="S2", body="B2", dedupe_key="clock:1:warn")
    assert again.pk == first.pk and again.subject == "S"
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_outbox_row_rolls_back_with_the_event_that_caused_it():
    """Nothing leaves the process before commit: a rolled-back cause leaves no message behind."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue(channel="email", recipient="a@example.test", subject="S", body="B", dedupe_key="x")
        raise RuntimeError("the causing service failed")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_duplicate_key_inside_a_transaction_keeps_the_transaction_usable():
    with transaction.atomic():
        services.enqueue(channel="email", recipient="a@example.test", subject="S", body="B", dedupe_key="dup")
        services.enqueue(channel="email", recipient="a@example.test", subject="S", body="B", dedupe_key="dup")
        OutboxMessage.objects.count()  # would raise on PostgreSQL if the duplicate had broken the transaction
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("channel", "recipient"), [("email", "not-an-address"), ("webhook", "file:///etc/passwd"),
                                                    ("fax", "13800000000"), ("sms", "not-a-number"),
                                                    ("chat", "")])
def test_unsendable_messages_are_refused_at_enqueue(channel, recipient):
    with pytest.raises(ServiceError) as err:
        services.enqueue(channel=channel, recipient=recipient, subject="S", body="B", dedupe_key="k")
    assert err.value.code in {"bad_recipient", "bad_channel"}


@pytest.mark.django_db
def test_notify_user_skips_users_without_email(world):
    world.dispatcher.email = "li@example.test"
    world.dispatcher.save()
    assert services.notify_user(world.desk, subject="S", body="B", dedupe_key="c1") is None
    row = services.notify_user(world.dispatcher, subject="S", body="B", dedupe_key="c1")
    assert row.recipient == "li@example.test" and row.dedupe_key == f"c1:email:{world.dispatcher.pk}"


@pytest.mark.django_db
def test_notify_role_mails_every_active_user_of_the_role_once_p6_3(world):
    """P6.3 escalation to leadership: each leader gets one message however often the escalation runs."""
    from shouhou.accounts.choices import Role
    from tests.conftest import make_user

    make_user("boss1", Role.LEADERSHIP, world.own, email="b1@example.test")
    make_user("boss2", Role.LEADERSHIP, world.own, email="b2@example.test")
    make_user("boss3", Role.LEADERSHIP, world.own, email="b3@example.test", is_active=False)
    for _ in range(2):
        services.notify_role(Role.LEADERSHIP, subject="升级", body="SR-1 4 小时未处理", dedupe_key="esc:1")
    assert sorted(OutboxMessage.objects.values_list("recipient", flat=True)) == ["b1@example.test", "b2@example.test"]


@pytest.mark.django_db
def test_notify_webhooks_queues_one_message_per_active_endpoint(receiver):
    wecom = WebhookEndpoint.objects.create(name="售后群", url=receiver.url + "?key=K", format=WebhookFormat.WECOM)
    WebhookEndpoint.objects.create(name="old", url=receiver.url, active=False)
    rows = services.notify_webhooks(subject="S", body="B", dedupe_key="breach:9")
    assert [(r.endpoint_id, r.format) for r in rows] == [(wecom.pk, "wecom")]


# ---------------------------------------------------------------------------------------- deliver

@pytest.mark.django_db
def test_email_is_delivered_once_through_local_smtp(smtp_server, world):
    world.dispatcher.email = "li@example.test"
    world.dispatcher.save()
    row = services.notify_user(world.dispatcher, subject="一级故障超时", body="SR-1 已超时 10 分钟", dedupe_key="b:1")
    assert services.deliver_due()["sent"] == 1
    assert services.deliver_due()["claimed"] == 0  # a second run sends nothing again
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["li@example.test"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "一级故障超时" and mail["X-Shouhou-Outbox-Id"] == str(row.pk)
    assert mail.get_content().strip() == "SR-1 已超时 10 分钟"
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.sent_at is not None and row.attempts == 1


@pytest.mark.django_db
def test_smtp_server_down_keeps_the_email_for_later(settings, smtp_server):
    settings.EMAIL_PORT = 1  # nothing listens there
    row = services.enqueue(channel="email", recipient="a@example.test", subject="S", body="B", dedupe_key="m")
    assert services.deliver_due()["failed"] == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and "SMTP" in row.last_error


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["wecom", "dingtalk", "feishu", "generic"])
def test_each_robot_format_arrives_in_its_shape(receiver, fmt):
    endpoint = WebhookEndpoint.objects.create(name=fmt, url=receiver.url, format=fmt, secret="sekrit")
    services.notify_webhooks(subject="到场超时", body="SR-2", dedupe_key="arrive:2")
    assert services.deliver_due()["sent"] == 1
    (request,) = receiver.requests
    body = request["json"]
    if fmt == "wecom":
        assert body["msgtype"] == "markdown" and "到场超时" in body["markdown"]["content"]
    elif fmt == "dingtalk":
        assert body["markdown"]["title"] == "到场超时" and "sign=" in request["path"] and "timestamp=" in request["path"]
    elif fmt == "feishu":
        assert body["msg_type"] == "text" and body["sign"] and body["timestamp"]
    else:
        assert body["subject"] == "到场超时" and request["headers"]["X-Shouhou-Signature"].startswith("sha256=")
        assert request["headers"]["Idempotency-Key"] == f"arrive:2:webhook:{endpoint.pk}"


@pytest.mark.django_db
def test_receiver_500_is_retried_with_backoff_then_delivered_exactly_once(receiver):
    """Given a receiver that fails once, the message waits out a backoff, then goes through, once."""
    receiver.replies = [(500, b"oops")]
    row = webhook(receiver)
    before = timezone.now()
    assert services.deliver_due() == {"claimed": 1, "sent": 0, "failed": 1, "dead": 0, "released": 0}
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.attempts == 1 and "HTTP 500" in row.last_error
    # First backoff: base 30 s with equal jitter → between 15 s and 30 s.
    assert before + timedelta(seconds=15) <= row.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert services.deliver_due()["claimed"] == 0  # not due yet
    assert services.deliver_due(now=later(1))["sent"] == 1
    assert services.deliver_due(now=later(60))["claimed"] == 0
    assert [r["status"] for r in receiver.requests] == [500, 200]
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 2


@pytest.mark.django_db
def test_robot_errcode_in_a_200_reply_counts_as_failure(receiver):
    receiver.replies = [(200, b'{"errcode":45009,"errmsg":"api freq out of limit"}')]
    row = webhook(receiver, fmt=WebhookFormat.WECOM)
    assert services.deliver_due()["failed"] == 1
    row.refresh_from_db()
    assert "45009" in row.last_error and row.status == OutboxStatus.FAILED


@pytest.mark.django_db
def test_receiver_down_loses_nothing_and_delivers_when_it_is_back(receiver):
    receiver.stop()
    row = webhook(receiver)
    assert services.deliver_due()["failed"] == 1
    row.refresh_from_db()
    assert row.status in (OutboxStatus.PENDING, OutboxStatus.FAILED) and row.sent_at is None
    receiver.start()
    assert services.deliver_due(now=later(5))["sent"] == 1
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_after_the_last_attempt_the_message_is_dead(receiver, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    receiver.default = (503, b"")
    row = webhook(receiver)
    outcomes = [services.deliver_due(now=later(120 * i)) for i in range(5)]
    assert [o["failed"] for o in outcomes] == [1, 1, 0, 0, 0]
    assert outcomes[2]["dead"] == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD and row.attempts == 3 and len(receiver.requests) == 3


@pytest.mark.django_db
def test_not_found_is_permanent_and_not_retried(receiver):
    receiver.replies = [(404, b"")]
    row = webhook(receiver)
    assert services.deliver_due()["dead"] == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 10
    settings.NOTIFY_RETRY_MAX_SECONDS = 300
    for attempts, full in [(1, 10), (2, 20), (3, 40), (6, 300), (20, 300)]:
        delays = {services.retry_delay(attempts).total_seconds() for _ in range(20)}
        assert all(full / 2 <= d <= full for d in delays)
        assert len(delays) > 1  # jittered


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_picked_up_again(receiver, settings):
    """The documented at-least-once window: a worker died after claiming; the claim expires, the row is sent."""
    settings.NOTIFY_CLAIM_TIMEOUT_SECONDS = 60
    row = webhook(receiver)
    claimed = services.claim_due(10)
    assert [m.pk for m in claimed] == [row.pk]
    assert services.deliver_due()["claimed"] == 0  # still claimed by the "dead" worker
    result = services.deliver_due(now=later(2))
    assert result["released"] == 1 and result["sent"] == 1
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_late_mark_from_an_expired_claim_does_not_overwrite_the_new_claim(receiver):
    row = webhook(receiver)
    (stale,) = services.claim_due(1)
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxStatus.FAILED, claimed_at=None)
    (fresh,) = services.claim_due(1, now=later(1))
    services._mark_failed(stale, "late report from the old worker", permanent=True)
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENDING and row.claimed_at == fresh.claimed_at


@pytest.mark.django_db
def test_bounded_batches(receiver):
    for i in range(25):
        webhook(receiver, key=f"k{i}")
    assert services.deliver_due(limit=7)["sent"] == 7
    assert services.deliver_due(limit=100)["sent"] == 18
    assert len({r["json"]["dedupe_key"] for r in receiver.requests}) == 25


# ----------------------------------------------------------------------------------------- retry

@pytest.mark.django_db
def test_dispatcher_retries_a_dead_message_but_never_a_sent_one(world, receiver):
    receiver.replies = [(404, b"")]
    row = webhook(receiver)
    services.deliver_due()
    with pytest.raises(PermissionDeniedError):
        services.retry_message(world.desk, row)
    row = services.retry_message(world.dispatcher, row)
    assert row.status == OutboxStatus.PENDING and row.attempts == 0
    assert services.deliver_due()["sent"] == 1
    with pytest.raises(ServiceError) as err:
        services.retry_message(world.admin, row)
    assert err.value.code == "not_retryable"
    assert len(receiver.accepted()) == 1


# ---------------------------------------------------------------------------------- concurrency

@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED claims are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliverers_never_send_a_message_twice_on_postgresql(receiver):
    """Three workers race over the same 60 due messages: every message arrives exactly once."""
    for i in range(60):
        webhook(receiver, key=f"race:{i}")
    errors = []
    barrier = threading.Barrier(3)

    def run():
        try:
            barrier.wait()
            while services.deliver_due(limit=5)["claimed"]:
                pass
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    keys = [r["json"]["dedupe_key"] for r in receiver.requests]
    assert len(keys) == 60 and len(set(keys)) == 60
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 60
