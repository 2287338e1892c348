"""Per-user channel preferences (issue 7): in-app always; e-mail, SMS, chat per event kind or globally."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shouhou.dispatch import services as dispatch
from shouhou.notify.models import ChatAccount, EventKind, Notification, NotificationPreference, OutboxMessage
from shouhou.tickets.services import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineer(world):
    world.engineer.email = "zhang@example.test"
    world.engineer.save()
    return world.engineer


def assign(world, engineer):
    ticket = open_ticket(world.desk, title="防火门闭门器失灵", serial=world.asset_a.serial_no)
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=engineer)
    return ticket


def emails_to(address):
    return OutboxMessage.objects.filter(channel="email", recipient=address).count()


def test_a_user_who_turns_e_mail_off_still_gets_the_in_app_notification(world, engineer):
    api = APIClient()
    api.force_authenticate(engineer)
    assert api.post("/api/v1/notification-preferences/", {"kind": None, "channels": []}, format="json").status_code == 201
    assign(world, engineer)
    assert Notification.objects.filter(user=engineer).count() == 1 and emails_to("zhang@example.test") == 0


def test_a_choice_for_one_kind_wins_over_the_global_one(world, engineer):
    api = APIClient()
    api.force_authenticate(engineer)
    api.post("/api/v1/notification-preferences/", {"kind": None, "channels": []}, format="json")
    mine = api.post("/api/v1/notification-preferences/", {"kind": "ticket.assign", "channels": ["email"]},
                    format="json").json()
    listing = api.get("/api/v1/notification-preferences/").json()
    assert {(row["kind"], tuple(row["channels"])) for row in listing} == {(None, ()), ("ticket.assign", ("email",))}
    assign(world, engineer)
    assert emails_to("zhang@example.test") == 1
    other = APIClient()
    other.force_authenticate(world.engineer2)
    assert other.delete(f"/api/v1/notification-preferences/{mine['id']}/").status_code == 404
    assert api.delete(f"/api/v1/notification-preferences/{mine['id']}/").status_code == 204
    assign(world, engineer)
    assert emails_to("zhang@example.test") == 1  # the global "nothing but in-app" applies again


def test_a_preference_never_adds_a_channel_the_rule_does_not_offer(world, engineer, settings, receiver):
    settings.NOTIFY_SMS_URL = receiver.url
    engineer.phone = "13912345678"
    engineer.save()
    NotificationPreference.objects.create(user=engineer, kind=None, channels=["email", "sms", "chat"])
    assign(world, engineer)  # the assignment rule offers e-mail and chat, not SMS
    assert not OutboxMessage.objects.filter(channel="sms").exists() and emails_to("zhang@example.test") == 1


def test_unknown_channels_are_refused(world, engineer):
    api = APIClient()
    api.force_authenticate(engineer)
    answer = api.post("/api/v1/notification-preferences/", {"kind": None, "channels": ["pigeon"]}, format="json")
    assert answer.status_code == 400 and not NotificationPreference.objects.exists()


def test_the_settings_page_saves_channels_per_kind_and_the_chat_account(world, engineer):
    client = Client()
    client.force_login(engineer)
    page = client.get("/notify/settings/").content.decode()
    assert "派工：指派给您或您的经销商" in page and "通知设置" in page
    kind = EventKind.objects.get(code="ticket.assign")
    response = client.post("/notify/settings/", {"channels": ["email"], f"own_{kind.pk}": "on",
                                                 f"kind_{kind.pk}": ["chat"], "chat_app": "wecom",
                                                 "chat_account": "zhangsan"})
    assert response.status_code == 302
    prefs = dict(NotificationPreference.objects.filter(user=engineer).values_list("kind__code", "channels"))
    assert prefs == {None: ["email"], "ticket.assign": ["chat"]}
    assert ChatAccount.objects.get(user=engineer).account_id == "zhangsan"
    # another user's settings are untouched
    assert not NotificationPreference.objects.exclude(user=engineer).exists()


def test_the_chat_account_api_is_the_users_own(world, engineer):
    api = APIClient()
    api.force_authenticate(engineer)
    assert api.put("/api/v1/notification-preferences/chat-account/", {"app": "feishu", "account_id": "ou_1"},
                   format="json").json() == {"app": "feishu", "account_id": "ou_1"}
    other = APIClient()
    other.force_authenticate(world.engineer2)
    assert other.get("/api/v1/notification-preferences/chat-account/").json() == {"app": "", "account_id": ""}


def test_a_watcher_of_a_request_hears_of_it_when_a_rule_names_the_watchers(world):
    from shouhou.notify.models import NotificationRule

    ticket = open_ticket(world.desk, title="防火门闭门器失灵", serial=world.asset_a.serial_no)
    NotificationRule.objects.filter(kind__code="ticket.assign").update(relations=["assignee", "watchers"])
    api = APIClient()
    api.force_authenticate(world.technical)
    watch = api.post("/api/v1/watches/", {"type": "tickets.ticket", "id": ticket.pk}, format="json")
    assert watch.status_code == 201 and watch.json()["about"] == "tickets.ticket"
    other = open_ticket(world.desk, title="门诊楼防火门异响", serial=world.asset_b.serial_no)
    customer = APIClient()
    customer.force_authenticate(world.customer_a)  # may not see 西岭医院's request: as if it did not exist
    assert customer.post("/api/v1/watches/", {"type": "tickets.ticket", "id": other.pk}, format="json").status_code == 404
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    assert Notification.objects.filter(user=world.technical, subject__startswith="派工").count() == 1
    assert api.delete(f"/api/v1/watches/{watch.json()['pk']}/").status_code == 204
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer2)
    assert Notification.objects.filter(user=world.technical, subject__startswith="派工").count() == 1
