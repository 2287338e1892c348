"""The outbox page (/notify/outbox/) for admins and dispatchers, with its retry button (issue 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shouhou.notify import services
from shouhou.notify.choices import OutboxStatus
from shouhou.notify.models import OutboxMessage


@pytest.fixture
def rows(world):
    dead = services.enqueue(channel="email", recipient="li@example.test", subject="升级通知 SR-7", body="B",
                            dedupe_key="esc:7")
    OutboxMessage.objects.filter(pk=dead.pk).update(status=OutboxStatus.DEAD, attempts=8,
                                                    last_error="HTTP 404 Not Found")
    sent = services.enqueue(channel="email", recipient="li@example.test", subject="已送达", body="B", dedupe_key="ok:1")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT)
    return {"dead": dead, "sent": sent}


def login(client, world, name):
    client.force_login(world.users[name])
    return client


@pytest.mark.parametrize("persona", ["dispatcher", "admin"])
def test_dispatchers_and_admins_see_status_attempts_and_last_error(client, world, rows, persona):
    response = login(client, world, persona).get(reverse("notify:outbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "升级通知 SR-7" in html and "HTTP 404 Not Found" in html
    # A retry button for the dead row only, none for the sent one.
    assert reverse("notify:outbox_retry", args=[rows["dead"].pk]) in html
    assert reverse("notify:outbox_retry", args=[rows["sent"].pk]) not in html


@pytest.mark.parametrize("persona", ["desk", "engineer", "dealer_a", "customer_a"])
def test_others_may_not_open_the_outbox_page(client, world, rows, persona):
    assert login(client, world, persona).get(reverse("notify:outbox")).status_code == 403


def test_anonymous_is_sent_to_login(client, rows):
    response = client.get(reverse("notify:outbox"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_page_is_chinese_by_default(client, world, rows):
    html = login(client, world, "dispatcher").get(reverse("notify:outbox")).content.decode()
    assert "通知发件箱" in html and "重试" in html


def test_filter_by_status(client, world, rows):
    html = login(client, world, "dispatcher").get(reverse("notify:outbox"), {"status": "sent"}).content.decode()
    assert "已送达" in html and "升级通知 SR-7" not in html


def test_retry_button_puts_a_dead_message_back_in_the_queue(client, world, rows):
    login(client, world, "dispatcher")
    response = client.post(reverse("notify:outbox_retry", args=[rows["dead"].pk]))
    assert response.status_code == 302
    rows["dead"].refresh_from_db()
    assert rows["dead"].status == OutboxStatus.PENDING and rows["dead"].attempts == 0


def test_retry_of_a_sent_message_is_refused_with_a_message(client, world, rows):
    login(client, world, "admin")
    response = client.post(reverse("notify:outbox_retry", args=[rows["sent"].pk]), follow=True)
    rows["sent"].refresh_from_db()
    assert rows["sent"].status == OutboxStatus.SENT
    assert "只有失败或已放弃的消息可以重试" in response.content.decode()


def test_retry_requires_post_and_a_manager(client, world, rows):
    url = reverse("notify:outbox_retry", args=[rows["dead"].pk])
    assert login(client, world, "dispatcher").get(url).status_code == 405
    client.logout()
    assert login(client, world, "desk").post(url).status_code == 403


def test_outbox_page_query_count_does_not_grow_with_rows(client, world, rows, django_assert_max_num_queries):
    for i in range(40):
        services.enqueue(channel="webhook", recipient="http://127.0.0.1:9/hook", subject=f"S{i}", body="B",
                         dedupe_key=f"k{i}")
    login(client, world, "admin")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notify:outbox"))
    assert response.status_code == 200
