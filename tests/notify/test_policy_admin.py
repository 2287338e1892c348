"""The policy is edited as data in the admin: an administrator adds an event kind and a rule, with
its wording, and the next such event delivers (issue 7)."""

from __future__ import annotations

import pytest
from django.test import Client

from shouhou.notify.models import EventKind, Notification, NotificationRule
from shouhou.tickets.services import open_ticket, transition_ticket

pytestmark = pytest.mark.django_db


def management(prefix, total=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_an_administrator_adds_a_kind_and_a_rule_in_the_admin_and_it_delivers(world):
    admin = Client()
    admin.force_login(world.admin)
    response = admin.post("/admin/notify/eventkind/add/", {
        "code": "ticket.cancel", "name": "服务请求已取消", "description": "", "active": "on", **management("rules")})
    assert response.status_code == 302, response.content.decode()[:2000]
    kind = EventKind.objects.get(code="ticket.cancel")
    assert [(row.history_type, row.history_user) for row in kind.history.all()] == [("+", world.admin)]  # audited
    response = admin.post("/admin/notify/notificationrule/add/", {
        "kind": kind.pk, "name": "调度：取消", "active": "on", "roles": ["dispatcher"], "channels": [],
        "skip_actor": "on", "sms_template": "", "sms_params": "",
        **management("templates", 1), "templates-0-language": "zh-hans",
        "templates-0-subject": "已取消：{{ number }}", "templates-0-body": "原因：{{ reason }}"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NotificationRule.objects.get(kind=kind).roles == ["dispatcher"]
    ticket = open_ticket(world.desk, title="误报", serial=world.asset_a.serial_no)
    transition_ticket(ticket, world.desk, "cancel", reason="客户误报")
    note = Notification.objects.get(user=world.dispatcher, kind=kind)
    assert (note.subject, note.body) == (f"已取消：{ticket.number}", "原因：客户误报")


def test_the_rule_form_refuses_a_template_that_does_not_compile_and_offers_the_registered_relations(world):
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get("/admin/notify/notificationrule/add/").content.decode()
    for relation in ("assignee", "dealer_staff", "customer_users", "reporter", "watchers"):
        assert f'value="{relation}"' in page
    kind = EventKind.objects.get(code="ticket.assign")
    response = admin.post("/admin/notify/notificationrule/add/", {
        "kind": kind.pk, "name": "坏模板", "active": "on", "roles": [], "channels": ["email"], "sms_params": "",
        **management("templates", 1), "templates-0-language": "zh-hans",
        "templates-0-subject": "{% if %}", "templates-0-body": ""})
    assert response.status_code == 200 and not NotificationRule.objects.filter(name="坏模板").exists()


def test_the_policy_can_be_written_over_the_api_by_whoever_may_edit_it_in_the_admin(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.admin)
    assert api.post("/api/v1/notification-kinds/", {"code": "ticket.accept", "name": "已受理"},
                    format="json").status_code == 201
    answer = api.post("/api/v1/notification-rules/", {
        "kind": "ticket.accept", "name": "客户：已受理", "relations": ["customer_users"], "channels": [],
        "templates": [{"language": "zh-hans", "subject": "已受理：{{ number }}", "body": "{{ actor }}已受理。"}]},
        format="json")
    assert answer.status_code == 201, answer.json()
    refused = api.post("/api/v1/notification-rules/", {"kind": "ticket.accept", "name": "坏",
                                                       "relations": ["the_neighbours"]}, format="json")
    assert refused.status_code == 400 and "relations" in refused.json()
    ticket = open_ticket(world.desk, title="误报", serial=world.asset_a.serial_no)
    transition_ticket(ticket, world.desk, "accept")
    assert Notification.objects.get(user=world.customer_a, kind__code="ticket.accept").subject == f"已受理：{ticket.number}"
    # only "notify.manage" (administrators) writes or reads the policy; a dispatcher's outbox rights are not enough
    for name in ("engineer", "dispatcher", "customer_a"):
        other = APIClient()
        other.force_authenticate(world.users[name])
        assert other.get("/api/v1/notification-rules/").status_code == 403
        assert other.post("/api/v1/notification-kinds/", {"code": "x.y", "name": "x"}, format="json").status_code == 403


def test_the_seeded_policy_returns_to_an_emptied_database_but_never_over_an_administrators_edits(db):
    """A flushed test database (PostgreSQL's transactional tests) gets the seeds again on post_migrate."""
    from shouhou.notify.apps import _reseed_policy

    EventKind.objects.filter(code="ticket.assign").update(name="改过的名字")
    _reseed_policy(sender=None)
    assert EventKind.objects.get(code="ticket.assign").name == "改过的名字"
    EventKind.objects.all().delete()
    _reseed_policy(sender=None)
    assert EventKind.objects.get(code="ticket.assign").rules.get().templates.count() == 2
