"""Issue 8, "Plans edited by the service manager … with a live preview": in a real browser, changing
a target's duration on the editor updates the due time shown, before anything is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from shouhou.sla.models import ServicePlan, Target, WorkingCalendar

from .test_fault_to_closure import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_editor_preview_follows_the_page_as_the_manager_types(live_server, world, page):
    calendar = WorkingCalendar.objects.get(code="cn-7x24")
    plan = ServicePlan.objects.create(name="浏览器预览方案", calendar=calendar, contract=world.contract_a,
                                      status="draft")
    target = Target.objects.create(plan=plan, kind="arrival", name="到场", amount=Decimal(2), unit="hours",
                                   start_event="received", stop_event="arrived")
    log_in(page, live_server.url, "dispatcher")
    page.goto(f"{live_server.url}/sla/plans/{plan.pk}/edit/")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("到场")
    saved = preview.inner_text()
    page.fill("input[name=targets-0-amount]", "30")  # 2 h → 30 h: the due time moves to another day
    expect(preview).to_contain_text("尚未保存")
    assert preview.inner_text() != saved
    target.refresh_from_db()
    assert target.amount == Decimal(2)  # nothing saved by previewing
