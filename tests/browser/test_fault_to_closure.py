"""The whole main path in a real browser (issue 2 "Done when"): a desk agent logs in, reports a
fault on an asset, assigns it; the engineer on a phone books a time with the customer (P10.3),
sets off, arrives, records the work, takes the customer's signature on screen (P10.4) and resolves;
the desk records the customer's confirmation and closes the request.  The UI is in Chinese.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shouhou.dispatch.models import Visit
from shouhou.tickets.models import Ticket
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".topbar .bell")).to_be_visible()  # the bell stays in the bar; the menu may be folded


def log_out(page):
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():  # a phone: open the folded menu first
        toggle.click()
    page.locator(".usernav form button").click()


def test_fault_reported_assigned_visited_signed_and_closed(live_server, world, page, phone):
    base = live_server.url

    # The desk reports a fault on a known unit (serial number), severity 1 (P5.1).
    log_in(page, base, "desk")
    page.goto(f"{base}/tickets/new/")
    page.fill("input[name=serial]", world.asset_a.serial_no)
    page.fill("input[name=title]", "三楼防火门闭门器失灵")
    page.fill("textarea[name=description]", "门无法自动关闭，消防检查前需修复。")
    page.fill("input[name=reporter_name]", "陈先生")
    page.fill("input[name=reporter_phone]", "13800000000")
    page.check("input[name=severity][value='1']")
    page.get_by_role("button", name="提交报修").click()
    page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    ticket = Ticket.objects.get(title="三楼防火门闭门器失灵")
    assert ticket.asset_id == world.asset_a.pk and not ticket.unverified
    expect(page.locator("body")).to_contain_text(ticket.number)

    # The desk assigns it to the engineer from the ticket page.
    assign = page.locator("form[data-action=assign]")
    assign.locator("select[name=assign-assignee]").select_option(str(world.engineer.pk))
    assign.get_by_role("button", name="派工").click()
    expect(page.locator("body")).to_contain_text("工程师张")
    ticket.refresh_from_db()
    assert ticket.status == "assigned" and ticket.assignee_id == world.engineer.pk

    # The engineer, on a phone: my jobs → book a time → set off → arrive.
    log_in(phone, base, "engineer")
    phone.goto(f"{base}/dispatch/my-jobs/")
    expect(phone.locator("body")).to_contain_text(ticket.number)
    phone.get_by_role("link", name="接单并预约时间").click()
    phone.fill("input[name=appointment_at]", "2030-05-06T10:30")
    phone.fill("input[name=note]", "陈先生")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/dispatch/my-jobs/"))
    phone.get_by_role("button", name="出发").click()
    phone.get_by_role("button", name="到达现场").click()
    ticket.refresh_from_db()
    assert ticket.status == "on_site"

    # Work done and parts used, then the customer's signature drawn on screen.
    phone.get_by_role("link", name="离场：登记工作与配件").click()
    phone.fill("textarea[name=work_done]", "更换闭门器，调整门扇。")
    phone.fill("textarea[name=parts_used]", "闭门器 ×1")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/dispatch/visits/\d+/sign/$"))  # leaving leads straight to the signature
    phone.fill("input[name=signer_name]", "陈先生")
    pad = phone.locator("#signature-pad")
    box = pad.bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 40)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 30)
    phone.mouse.up()
    phone.get_by_role("button", name="确认签字").click()
    phone.wait_for_load_state()
    visit = Visit.objects.get(ticket=ticket)
    assert visit.is_signed and visit.signer_name == "陈先生" and visit.signature_image

    # The engineer resolves the request.
    phone.goto(f"{base}/dispatch/my-jobs/")
    phone.get_by_role("link", name="解决").first.click()
    phone.fill("textarea[name=resolution]", "闭门器损坏，已更换，门可正常自动关闭。")
    phone.locator("main form button[type=submit]").click()
    ticket.refresh_from_db()
    assert ticket.status == "resolved"

    # The desk records the customer's confirmation and closes it.
    page.goto(f"{base}/tickets/{ticket.pk}/")
    page.locator("form[data-action=confirm] button").click()
    page.locator("form[data-action=close] button").click()
    expect(page.locator("body")).to_contain_text("已关闭")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert {"created", "assigned", "visit_arrived", "visit_signed"} <= set(kinds)
