"""Each user's own notifications: the bell, /notify/inbox/, mark read, and /api/v1/notifications/ (issue 7).

Tried as an attacker first: an ordinary account opening, marking or listing another user's
notification by id gets 404 and learns nothing; the notification stays unread.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shouhou.notify.models import Notification

pytestmark = pytest.mark.django_db


def notify(user, subject="派工 SR00000001：防火门闭门器失灵", link="/tickets/1/", key=None):
    return Notification.objects.create(user=user, subject=subject, body="正文", link=link,
                                       dedupe_key=key or f"{user.pk}:{subject}")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_each_user_sees_only_their_own_messages(world):
    mine = notify(world.engineer)
    theirs = notify(world.engineer2, subject="别人的派工")
    page = client_for(world.engineer).get("/notify/inbox/").content.decode()
    assert mine.subject in page and "别人的派工" not in page
    listing = api_for(world.engineer).get("/api/v1/notifications/").json()
    assert [row["id"] for row in listing["results"]] == [mine.pk]
    # the attacker: another ordinary account, guessing ids
    attacker = client_for(world.engineer)
    assert attacker.get(f"/notify/inbox/{theirs.pk}/").status_code == 404
    assert attacker.post(f"/notify/inbox/{theirs.pk}/read/").status_code == 404
    assert api_for(world.engineer).get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api_for(world.engineer).post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    attacker.post("/notify/inbox/read-all/")
    theirs.refresh_from_db()
    assert theirs.unread


def test_customers_get_their_own_inbox_and_bell_too(world):
    notify(world.customer_a, subject="工程师已出发：SR00000001")
    page = client_for(world.customer_a).get("/notify/inbox/").content.decode()
    assert "工程师已出发：SR00000001" in page
    home = client_for(world.customer_a).get("/").content.decode()
    assert 'data-nav="notifications"' in home and '<span class="badge count">1</span>' in home


def test_the_bell_counts_unread_notifications_with_one_query(world):
    for i in range(3):
        notify(world.engineer, subject=f"第{i}条")
    from django.template import Context, Template

    template = Template("{% load notify_tags %}{% unread_notifications user as n %}{{ n }}")
    with CaptureQueriesContext(connection) as queries:
        assert template.render(Context({"user": world.engineer})) == "3"
    assert len(queries) == 1 and "COUNT" in queries[0]["sql"].upper()


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(world):
    note = notify(world.engineer, link="/tickets/7/")
    response = client_for(world.engineer).get(f"/notify/inbox/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == "/tickets/7/"
    note.refresh_from_db()
    assert not note.unread


def test_a_stored_link_elsewhere_is_not_followed(world):
    note = notify(world.engineer, link="https://evil.example/")
    response = client_for(world.engineer).get(f"/notify/inbox/{note.pk}/")
    assert response["Location"] == "/notify/inbox/"


def test_mark_read_and_mark_all_read_on_the_page(world):
    first, second, third = (notify(world.engineer, subject=f"第{i}条") for i in range(3))
    client = client_for(world.engineer)
    client.post(f"/notify/inbox/{first.pk}/read/")
    assert list(Notification.objects.filter(user=world.engineer).unread().order_by("pk")) == [second, third]
    unread_page = client.get("/notify/inbox/?unread=1").content.decode()
    assert "第0条" not in unread_page and "第1条" in unread_page
    client.post("/notify/inbox/read-all/")
    assert not Notification.objects.filter(user=world.engineer).unread().exists()


def test_the_api_marks_read_and_counts_unread(world):
    first = notify(world.engineer, subject="第一条")
    notify(world.engineer, subject="第二条")
    api = api_for(world.engineer)
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    answer = api.post(f"/api/v1/notifications/{first.pk}/read/").json()
    assert answer["unread"] is False and answer["read_at"]
    assert [r["subject"] for r in api.get("/api/v1/notifications/?unread=1").json()["results"]] == ["第二条"]
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_anonymous_users_have_no_inbox(world):
    assert Client().get("/notify/inbox/").status_code == 302
    assert APIClient().get("/api/v1/notifications/").status_code in (401, 403)
