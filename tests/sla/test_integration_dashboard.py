"""The dashboard shows what breaches within the next hour and warns of expiring calendars (issue 3).

The breaching panel reads the derived `Ticket.next_due_at` (no clock join); the calendar warning
is an sla panel added through core.hooks.register_dashboard; base.html links the SLA pages for
internal staff.  Time is frozen.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from shouhou.sla.models import WorkingCalendar

from .conftest import open_fault, sh


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def panel(html: str, css: str = "due-soon") -> str:
    start = html.index(f'class="card {css}"')
    return html[start:html.index("</section>", start)]


def test_breaching_within_the_next_hour_panel_lists_due_and_the_breached_panel_overdue_requests(
        world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    early = open_fault(world, severity=1)  # response due 09:30
    frozen.set(sh(2026, 3, 2, 9, 50))
    late = open_fault(world, severity=1)  # response due 10:20
    frozen.set(sh(2026, 3, 2, 9, 40))  # early is overdue by 10 min, late is due in 40 min
    page = login(world.desk).get("/").content.decode()
    html, breached = panel(page), panel(page, "breached")
    assert late.number in html and early.number not in html  # issue 10: breached is not "due soon"
    assert early.number in breached and late.number not in breached
    assert "已超时 10 分钟" in breached and "剩余 40 分钟" in html
    assert 'href="/sla/due/"' in html
    frozen.set(sh(2026, 3, 2, 8, 0))  # both more than an hour away: nothing breaches soon
    html = panel(login(world.desk).get("/").content.decode())
    assert early.number not in html and late.number not in html


def test_breaching_panel_respects_scope(world, p13_contract, frozen):
    """An engineer sees only the requests assigned to him in the panel (Ticket.visible_to)."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 9, 10))
    html = panel(login(world.engineer).get("/").content.decode())
    assert ticket.number not in html
    assert ticket.number in panel(login(world.dispatcher).get("/").content.decode())


def test_customers_get_no_breaching_panel(world, p13_contract, frozen):
    open_fault(world, severity=1)
    html = login(world.customer_a).get("/").content.decode()
    assert "due-soon" not in html


def test_dashboard_query_count_does_not_grow_with_due_requests(world, p13_contract, frozen,
                                                               django_assert_max_num_queries):
    frozen.set(sh(2026, 3, 2, 9, 0))
    for _ in range(12):
        open_fault(world, severity=1)
    client = login(world.desk)
    client.get("/")
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200 and len(response.context["due_soon"]) == 10


def expiring_soon(days: int):
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    WorkingCalendar.objects.filter(pk=calendar.pk).update(known_until=sh(2026, 3, 2, 9, 0).date() + timedelta(days=days))
    return calendar


@pytest.mark.parametrize("persona", ["desk", "dispatcher", "admin"])
def test_dashboard_warns_internal_staff_before_holiday_data_runs_out(world, frozen, persona):
    """Issue 3: admins are warned well before a calendar runs out of known years (60 days ahead)."""
    frozen.set(sh(2026, 3, 2, 9, 0))
    calendar = expiring_soon(30)
    html = login(world.users[persona]).get("/").content.decode()
    assert f"日历“{calendar.name}”的法定节假日数据只到 2026-04-01（剩 30 天）" in html
    assert 'href="/sla/calendars/"' in html


def test_no_calendar_warning_when_data_reaches_far_enough_or_for_customers(world, frozen):
    frozen.set(sh(2026, 3, 2, 9, 0))
    calendar = expiring_soon(400)
    assert calendar.name not in login(world.admin).get("/").content.decode()
    expiring_soon(30)
    assert calendar.name not in login(world.customer_a).get("/").content.decode()
    assert calendar.name not in login(world.dealer_a).get("/").content.decode()


@pytest.mark.parametrize("persona", ["desk", "dispatcher", "engineer", "admin"])
def test_internal_staff_have_the_sla_pages_in_the_navigation(world, persona):
    html = login(world.users[persona]).get("/").content.decode()
    nav = html[html.index('class="mainnav"'):html.index("</nav>")]
    for href in ('href="/sla/"', 'href="/sla/due/"', 'href="/sla/compliance/"', 'href="/sla/calendars/"'):
        assert href in nav


@pytest.mark.parametrize("persona", ["customer_a", "dealer_a"])
def test_customers_and_dealers_do_not_get_sla_navigation(world, persona):
    html = login(world.users[persona]).get("/").content.decode()
    nav = html[html.index('class="mainnav"'):html.index("</nav>")]
    assert "/sla/" not in nav
