"""On a 390 px phone (issue 10): each role lands on its own page after logging in, the top bar
folds its menu behind one button, and no page is wider than the screen (tables scroll inside
their own box) — the engineer's job list, the customer's dashboard, ticket list and ticket page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shouhou.dispatch import services
from shouhou.tickets.services import open_ticket
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".topbar .bell")).to_be_visible()


def page_width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def assert_fits(page, what):
    page.wait_for_load_state()
    width = page_width(page)
    assert width <= PHONE_WIDTH, f"{what} is {width}px wide on a {PHONE_WIDTH}px phone"


@pytest.fixture
def day(world):
    """An engineer's job on site already left (a visit waiting for the customer's confirmation) and
    one booked for later, with long titles and addresses."""
    finished = open_ticket(world.desk, title="三楼东侧消防通道防火门闭门器失灵且门扇下沉需要更换合页",
                           description="长描述" * 40, serial=world.asset_a.serial_no, severity=1,
                           reporter_name="陈先生", reporter_phone="13800000000")
    services.assign_ticket(world.dispatcher, finished, engineer=world.engineer)
    services.book_appointment(world.engineer, finished, timezone.now() + dt.timedelta(hours=1), "物业王经理")
    visit = services.record_departure(world.engineer, services.record_arrival(world.engineer, finished),
                                      "更换闭门器，调整门扇，紧固合页螺丝，测试自动关闭十次均正常。", "闭门器 ×1，合页 ×2")
    later = open_ticket(world.desk, title="二期地下车库防火卷帘门无法下降", serial=world.asset_a.serial_no)
    services.assign_ticket(world.dispatcher, later, engineer=world.engineer)
    services.book_appointment(world.engineer, later, timezone.now() + dt.timedelta(hours=3), "")
    return finished, visit


def test_engineer_lands_on_my_jobs_and_nothing_is_wider_than_the_phone(live_server, world, phone, day):
    base = live_server.url
    log_in(phone, base, "engineer")
    phone.wait_for_url(re.compile(r"/dispatch/my-jobs/$"))
    expect(phone.locator("h1")).to_have_text("我的工单")
    assert_fits(phone, "my jobs")
    # The menu is folded behind one button and opens below the bar.
    expect(phone.locator(".mainnav")).to_be_hidden()
    phone.locator(".menu-toggle").click()
    expect(phone.locator(".mainnav")).to_be_visible()
    assert_fits(phone, "my jobs with the menu open")
    finished, _visit = day
    phone.goto(f"{base}/tickets/{finished.pk}/")
    assert_fits(phone, "the ticket page")


def test_customer_lands_on_what_waits_for_confirmation_and_pages_fit_the_phone(live_server, world, phone, day):
    base = live_server.url
    finished, visit = day
    log_in(phone, base, "customer_a")
    phone.wait_for_url(re.compile(r"/$"))
    awaiting = phone.locator(f"[data-awaiting='{visit.pk}']")
    expect(awaiting).to_contain_text(finished.number)
    assert_fits(phone, "the customer's dashboard")
    for url in ("/tickets/", f"/tickets/{finished.pk}/", f"/dispatch/visits/{visit.pk}/"):
        phone.goto(base + url)
        assert_fits(phone, url)
    # From the ticket page the customer reaches the confirm step and confirms.
    phone.goto(f"{base}/tickets/{finished.pk}/")
    phone.locator(f"a[data-confirm='{visit.pk}']").click()
    phone.wait_for_url(re.compile(rf"/dispatch/visits/{visit.pk}/confirm/$"))
    assert_fits(phone, "the confirm page")


def test_dealer_lands_on_the_ticket_list_and_the_desk_on_the_dashboard(live_server, world, page):
    base = live_server.url
    log_in(page, base, "dealer_a")
    page.wait_for_url(re.compile(r"/tickets/$"))
    page.context.clear_cookies()
    log_in(page, base, "desk")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("工作台")
