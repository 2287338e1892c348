"""Notifications for people, not only for breaches (issue 7): the done-when checks.

The policy is data (notify.EventKind → NotificationRule → RuleTemplate, seeded by migration);
services announce what happened and the rules decide who hears of it, where and in which words.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.dispatch import services as dispatch
from shouhou.notify.models import EventKind, Notification, NotificationRule, OutboxMessage, RuleTemplate
from shouhou.notify.services import deliver_due
from shouhou.tickets.services import open_ticket, transition_ticket

pytestmark = pytest.mark.django_db


def soon(hours=3):
    return timezone.now() + dt.timedelta(hours=hours)


@pytest.fixture
def ticket(world):
    return open_ticket(world.desk, title="防火门闭门器失灵", serial=world.asset_a.serial_no, severity=2,
                       reporter_name="陈先生", reporter_phone="13812345678")


def inbox(user):
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_an_engineer_assigned_a_job_gets_an_in_app_notification_and_an_email(world, ticket, smtp_server,
                                                                             django_capture_on_commit_callbacks):
    world.engineer.email = "zhang@example.test"
    world.engineer.save()
    with django_capture_on_commit_callbacks(execute=False):
        dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    [note] = inbox(world.engineer)
    assert note.subject == f"派工 {ticket.number}：防火门闭门器失灵"
    assert "工程师张" in note.body and note.link == f"/tickets/{ticket.pk}/" and note.unread
    mail = OutboxMessage.objects.get(channel="email", recipient="zhang@example.test")
    assert mail.subject == note.subject
    assert deliver_due()["sent"] >= 1
    assert [m.rcpt_tos for m in smtp_server.messages] == [["zhang@example.test"]]
    # the dispatcher who assigned is not told about his own step; the other engineer hears nothing
    assert inbox(world.engineer2) == [] and not Notification.objects.filter(
        user=world.dispatcher, subject__startswith="派工").exists()


def test_a_job_assigned_to_a_dealer_reaches_that_dealers_staff_only(world, ticket):
    dispatch.assign_ticket(world.dispatcher, ticket, dealer=world.dealer_org_a)
    assert [n.subject for n in inbox(world.dealer_a)] == [f"派工 {ticket.number}：防火门闭门器失灵"]
    assert inbox(world.dealer_b) == []


def test_the_customer_is_told_when_the_engineer_sets_off_and_when_a_record_awaits_his_confirmation(world, ticket):
    customer = world.customer_a
    customer.email = "chen@example.test"
    customer.save()
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    dispatch.book_appointment(world.engineer, ticket, soon(), "与物业王经理约定")
    dispatch.start_travel(world.engineer, ticket)
    visit = dispatch.record_arrival(world.engineer, ticket)
    dispatch.record_departure(world.engineer, visit, "更换闭门器", "闭门器 ×1")
    subjects = [n.subject for n in inbox(customer)]
    assert f"工程师已出发：{ticket.number}" in subjects
    assert f"请确认服务记录：{ticket.number}" in subjects
    confirm = Notification.objects.get(user=customer, subject__startswith="请确认服务记录")
    assert "更换闭门器" in confirm.body and confirm.link == f"/tickets/{ticket.pk}/"
    mails = set(OutboxMessage.objects.filter(recipient="chen@example.test").values_list("subject", flat=True))
    assert {f"工程师已出发：{ticket.number}", f"请确认服务记录：{ticket.number}"} <= mails
    # the other customer's users hear nothing about this request
    assert inbox(world.customer_b) == []


def test_a_new_event_kind_and_rule_added_as_data_delivers_without_a_code_change(world, ticket):
    """"ticket.close" is emitted by every close (tickets emits ticket.<action>) but nobody listens
    until an administrator adds the kind and a rule."""
    world.customer_a.email = "chen@example.test"
    world.customer_a.save()
    kind = EventKind.objects.create(code="ticket.close", name="服务请求已关闭")
    rule = NotificationRule.objects.create(kind=kind, name="客户：已关闭", relations=["customer_users"],
                                           channels=["email"])
    RuleTemplate.objects.create(rule=rule, language="zh-hans", subject="已关闭：{{ number }}",
                                body="“{{ title }}”已由{{ actor }}关闭。")
    for step, who in (("accept", world.desk), ("resolve", world.desk), ("confirm", world.customer_a),
                      ("close", world.desk)):
        ticket = transition_ticket(ticket, who, step, resolution="闭门器已更换")
    [note] = [n for n in inbox(world.customer_a) if n.kind_id == kind.pk]
    assert note.subject == f"已关闭：{ticket.number}" and note.body == "“防火门闭门器失灵”已由小王关闭。"
    assert OutboxMessage.objects.filter(recipient="chen@example.test", subject=note.subject).count() == 1


def test_an_inactive_rule_or_kind_delivers_nothing(world, ticket):
    NotificationRule.objects.filter(kind__code="ticket.assign").update(active=False)
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    assert inbox(world.engineer) == []
    NotificationRule.objects.filter(kind__code="ticket.assign").update(active=True)
    EventKind.objects.filter(code="ticket.assign").update(active=False)
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer2)
    assert inbox(world.engineer2) == []


def test_nobody_is_told_about_a_request_he_may_not_see(world, ticket):
    """A rule by role reaches only those who may see the request: a dealer's staff member given the
    dispatcher's rule hears nothing about another dealer's customer."""
    rule = NotificationRule.objects.get(kind__code="ticket.reported", roles=["dispatcher"])
    rule.roles = ["dispatcher", "dealer_staff"]
    rule.save()
    open_ticket(world.desk, title="门诊楼防火门异响", serial=world.asset_b.serial_no)  # 西岭医院, dealer B
    assert [n.subject.split("：")[-1] for n in inbox(world.dealer_b)] == ["门诊楼防火门异响"]
    assert all("门诊楼" not in n.subject for n in inbox(world.dealer_a))
    assert any("门诊楼" in n.subject for n in inbox(world.dispatcher))


def test_phone_numbers_are_masked_for_whoever_may_not_see_them(world, ticket):
    rule = NotificationRule.objects.get(kind__code="ticket.reported", roles=["dispatcher"])
    rule.roles = ["dispatcher", "finance"]
    rule.save()
    rule.templates.filter(language="zh-hans").update(body="报修人电话：13812345678")
    open_ticket(world.desk, title="又一处故障", serial=world.asset_a.serial_no)
    assert inbox(world.dispatcher)[-1].body == "报修人电话：13812345678"
    assert inbox(world.finance)[-1].body == "报修人电话：138****5678"


def test_links_in_messages_are_absolute_and_the_inbox_keeps_the_path(world, ticket, settings):
    """An e-mail read outside the site needs the site's address; the in-app link stays a path."""
    settings.SITE_URL = "https://service.example.test"
    world.engineer.email = "zhang@example.test"
    world.engineer.save()
    dispatch.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    [note] = inbox(world.engineer)
    mail = OutboxMessage.objects.get(channel="email", recipient="zhang@example.test")
    assert note.link == f"/tickets/{ticket.pk}/"
    assert f"https://service.example.test/tickets/{ticket.pk}/" in mail.body
