"""Service-request pages: Chinese by default, buttons from the declared workflow, scoped
everywhere, bounded queries (issue 2; P5.1, P5.7, P10.6)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shouhou.core.hooks import history_for
from shouhou.tickets.choices import Status
from shouhou.tickets.models import Attachment, Ticket, TicketEvent
from shouhou.tickets.services import add_attachment, add_comment, allowed_transitions, open_ticket

from .conftest import assign, upload


@pytest.fixture
def browser_as(world):
    def _as(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return _as


def action_buttons(html: str) -> list[str]:
    return re.findall(r'data-action="([a-z_]+)"', html)


def test_list_renders_in_chinese_by_default(browser_as, ticket):
    response = browser_as("desk").get("/tickets/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "服务请求" in html or "工单" in html
    assert ticket.number in html and "故障等级" in html and "排序" in html


def test_detail_renders_in_chinese_with_buttons_matching_allowed_transitions(world, browser_as, ticket):
    for persona in ("desk", "customer_a", "dispatcher"):
        html = browser_as(persona).get(f"/tickets/{ticket.pk}/").content.decode()
        expected = [t.action for t in allowed_transitions(ticket, world.users[persona])]
        assert action_buttons(html) == expected, persona
    assert "时间线" in html and "受理" in html


def test_create_form_shows_the_p5_1_severity_definitions(browser_as):
    html = browser_as("desk").get("/tickets/new/").content.decode()
    assert "报修" in html
    assert "10 分钟" in html or "10分钟" in html  # the level-1 definition next to its choice


def test_report_a_fault_redirects_with_the_number(world, browser_as):
    client = browser_as("customer_a")
    response = client.post("/tickets/new/", {
        "severity": "1", "support_mode": "on_site", "serial": "FD-A-0001", "title": "防火门无法关闭",
        "description": "三楼", "reporter_name": "业主陈", "reporter_phone": "13800000000",
        "attachments": [SimpleUploadedFile("门.jpg", b"\xff\xd8data", content_type="image/jpeg")],
    }, follow=True)
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == f"/tickets/{ticket.pk}/"
    assert ticket.number in response.content.decode()
    assert ticket.customer == world.site_a.customer and ticket.channel == "portal"
    assert Attachment.objects.filter(ticket=ticket).count() == 1


def test_report_with_a_bad_attachment_shows_the_error_and_saves_nothing(browser_as):
    response = browser_as("desk").post("/tickets/new/", {
        "channel": "phone", "severity": "3", "support_mode": "phone", "title": "x",
        "attachments": [SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")],
    })
    assert response.status_code == 400 and "a.exe" in response.content.decode()
    assert not Ticket.objects.exists()


def test_engineers_and_dealers_cannot_open_the_report_form(browser_as):
    assert browser_as("engineer").get("/tickets/new/").status_code == 403


def test_action_button_moves_the_ticket(browser_as, ticket):
    response = browser_as("desk").post(f"/tickets/{ticket.pk}/actions/accept/", {"accept-version": "1"})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.ACCEPTED


def test_action_error_is_shown_in_chinese_next_to_the_field(browser_as, ticket):
    response = browser_as("desk").post(f"/tickets/{ticket.pk}/actions/cancel/", {"cancel-version": "1"})
    html = response.content.decode()
    assert response.status_code == 400 and "原因：" in html and "必填" in html


def test_stale_version_says_reload(browser_as, ticket):
    response = browser_as("desk").post(f"/tickets/{ticket.pk}/actions/accept/", {"accept-version": "0"})
    assert response.status_code == 409 and "刷新" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_forbidden_action_by_post_is_refused(browser_as, ticket):
    response = browser_as("desk").post(f"/tickets/{ticket.pk}/actions/close/", {"close-version": "1"})
    assert response.status_code == 400
    assert browser_as("customer_a").post(f"/tickets/{ticket.pk}/actions/accept/").status_code == 403


def test_pages_of_out_of_scope_tickets_are_404(world, browser_as, ticket_b):
    attachment = add_attachment(world.desk, ticket_b, upload())
    client = browser_as("customer_a")
    for path in (f"/tickets/{ticket_b.pk}/", f"/tickets/attachments/{attachment.pk}/"):
        assert client.get(path).status_code == 404
    assert client.post(f"/tickets/{ticket_b.pk}/comments/", {"body": "x"}).status_code == 404
    assert client.post(f"/tickets/{ticket_b.pk}/actions/cancel/", {"cancel-reason": "x"}).status_code == 404
    listed = browser_as("dealer_a").get(f"/tickets/?q={ticket_b.number}").content.decode()
    assert f'href="/tickets/{ticket_b.pk}/"' not in listed and "没有服务工单" in listed


def test_customer_page_hides_internal_notes_and_attachments(world, browser_as, ticket):
    add_comment(world.desk, ticket, "内部备注：客户欠款", internal=True)
    internal = add_attachment(world.desk, ticket, upload("内部报价.pdf"), internal=True)
    html = browser_as("customer_a").get(f"/tickets/{ticket.pk}/").content.decode()
    assert "客户欠款" not in html and "内部报价.pdf" not in html
    assert browser_as("customer_a").get(f"/tickets/attachments/{internal.pk}/").status_code == 404
    staff_html = browser_as("desk").get(f"/tickets/{ticket.pk}/").content.decode()
    assert "客户欠款" in staff_html and 'class="note internal"' in staff_html


def test_comment_form_posts_a_note(world, browser_as, ticket):
    response = browser_as("engineer").post(f"/tickets/{ticket.pk}/comments/", {"body": "x"})
    assert response.status_code == 404  # not assigned to them
    assign(world, ticket)
    browser_as("engineer").post(f"/tickets/{ticket.pk}/comments/", {"body": "已联系客户", "internal": "on"})
    assert TicketEvent.objects.get(ticket=ticket, body="已联系客户").internal


def test_verify_form_resolves_an_unverified_report(world, browser_as):
    ticket = open_ticket(world.desk, title="门坏了", serial="FD-A-1")
    client = browser_as("desk")
    assert "核实" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    response = client.post(f"/tickets/{ticket.pk}/verify/", {"serial": "fd-a-0001", "version": "1"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert not ticket.unverified and ticket.asset == world.asset_a


def test_edit_page_saves_and_detects_stale_versions(world, browser_as, ticket):
    client = browser_as("desk")
    data = {"title": "改过的标题", "severity": "1", "support_mode": "phone", "customer": world.site_a.customer.pk,
            "site": world.site_a.pk, "asset": world.asset_a.pk, "version": "1"}
    assert client.post(f"/tickets/{ticket.pk}/edit/", data).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).title == "改过的标题"
    assert client.post(f"/tickets/{ticket.pk}/edit/", data | {"title": "旧"}).status_code == 409
    assert browser_as("customer_a").get(f"/tickets/{ticket.pk}/edit/").status_code == 403


def test_dashboard_shows_queues_and_counts(world, browser_as, ticket):
    open_ticket(world.desk, title="未核实的报修", serial="??")
    html = browser_as("desk").get("/").content.decode()
    assert "未核实的报修" in html and ticket.number in html
    customer_html = browser_as("customer_a").get("/").content.decode()
    assert ticket.number in customer_html and "未核实的报修" not in customer_html


def test_asset_history_is_its_maintenance_archive(world, ticket, ticket_b):
    """P5.7: the asset page lists its tickets the viewer may see."""
    sections = [s for s in history_for(world.desk, world.asset_a) if s.template == "tickets/_history.html"]
    assert [t.pk for t in sections[0].context["tickets"]] == [ticket.pk]
    customer_view = [s for s in history_for(world.customer_b, world.asset_a) if s.template == "tickets/_history.html"]
    assert customer_view[0].context["tickets"] == []


def test_list_page_query_count_is_bounded(world, browser_as, django_assert_max_num_queries):
    for i in range(30):
        t = open_ticket(world.desk, title=f"故障{i}", serial="FD-A-0001")
        if i % 2:
            assign(world, t, "engineer", dealer=world.dealer_a.organisation)
    client = browser_as("desk")
    client.get("/tickets/")  # warm the session
    with django_assert_max_num_queries(9):  # 8 + the nav bell's unread COUNT (issue 7)
        response = client.get("/tickets/?status=new&status=assigned")
    assert response.status_code == 200 and response.content.decode().count('href="/tickets/') >= 25
