"""Dispatch pages: the engineer's phone view, visit steps, signature pad, customer confirmation,
desk assignment, fault report form, visit record and the history sections (P5.4, P5.7, P10.3, P10.4, P12.3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.core.hooks import history_for
from shouhou.dispatch import services
from shouhou.dispatch.models import FaultReport, Visit
from shouhou.tickets.choices import Status
from shouhou.tickets.services import open_ticket, transition_ticket

from .conftest import data_url, png_bytes

pytestmark = pytest.mark.django_db


def login(client, world, name):
    client.force_login(world.users[name])
    return client


def local(hours):
    """A datetime-local form value `hours` from now, in the site's time zone."""
    return timezone.localtime(timezone.now() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def on_site(world, ticket):
    services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    services.book_appointment(world.engineer, ticket, timezone.now() + dt.timedelta(hours=1), "")
    return services.record_arrival(world.engineer, ticket)


def test_p10_3_engineer_runs_the_whole_visit_from_the_phone_pages(world, ticket, client):
    ticket = services.assign_ticket(world.dispatcher, ticket, engineer=world.engineer)
    login(client, world, "engineer")
    page = client.get(reverse("dispatch:my_jobs"))
    assert ticket.title in page.content.decode() and reverse("dispatch:appointment", args=[ticket.pk]) in page.content.decode()
    res = client.post(reverse("dispatch:appointment", args=[ticket.pk]),
                      {"appointment_at": local(2), "note": "物业王经理", "version": ticket.version})
    assert res.status_code == 302 and res["Location"] == reverse("dispatch:my_jobs")
    ticket.refresh_from_db()
    for step in ("start_travel", "arrive"):
        res = client.post(reverse("dispatch:step", args=[ticket.pk, step]), {"version": ticket.version})
        assert res.status_code == 302
        ticket.refresh_from_db()
    assert ticket.status == Status.ON_SITE
    visit = Visit.objects.get(ticket=ticket)
    res = client.post(reverse("dispatch:leave", args=[visit.pk]), {"work_done": "更换闭门器", "parts_used": "闭门器 ×1"})
    assert res["Location"] == reverse("dispatch:sign", args=[visit.pk])
    res = client.post(reverse("dispatch:sign", args=[visit.pk]), {"signer_name": "陈先生", "signature": data_url(png_bytes())})
    assert res["Location"] == reverse("dispatch:visit", args=[visit.pk])
    page = client.get(res["Location"]).content.decode()
    assert reverse("dispatch:signature", args=[visit.pk]) in page and "/media/" not in page
    ticket.refresh_from_db()
    res = client.post(reverse("dispatch:resolve", args=[ticket.pk]), {"resolution": "已修复", "version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED, res.content.decode()


def test_sign_page_has_a_canvas_pad_and_names_a_blank_signature(world, ticket, client):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    login(client, world, "engineer")
    page = client.get(reverse("dispatch:sign", args=[visit.pk])).content.decode()
    assert "<canvas" in page and 'src="/static/dispatch/signature.js"' in page
    from django.contrib.staticfiles import finders  # the pad's script is a static file (CSP, issue 6)

    script = open(finders.find("dispatch/signature.js"), encoding="utf-8").read()
    assert "pointerdown" in script and "toDataURL" in script
    res = client.post(reverse("dispatch:sign", args=[visit.pk]), {"signer_name": "陈", "signature": data_url(png_bytes(blank=True))})
    assert res.status_code == 200 and "签名为空" in res.content.decode()
    assert not Visit.objects.get(pk=visit.pk).is_signed


def test_customer_confirms_from_own_account_and_another_customer_gets_404(world, ticket, client):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    transition_ticket(ticket, world.engineer, "resolve", resolution="已调整")
    login(client, world, "customer_b")
    assert client.get(reverse("dispatch:confirm", args=[visit.pk])).status_code == 404
    assert client.post(reverse("dispatch:confirm", args=[visit.pk]), {}).status_code == 404
    login(client, world, "customer_a")
    assert client.get(reverse("dispatch:visit", args=[visit.pk])).status_code == 200
    res = client.post(reverse("dispatch:confirm", args=[visit.pk]), {"signer_name": ""})
    assert res.status_code == 302
    visit.refresh_from_db()
    ticket.refresh_from_db()
    assert visit.signer_user == world.users["customer_a"] and ticket.status == Status.CUSTOMER_CONFIRMED


def test_engineer_not_assigned_gets_404_on_visit_pages(world, ticket, client):
    visit = on_site(world, ticket)
    login(client, world, "engineer2")
    for name in ("visit", "leave", "sign", "amend"):
        assert client.get(reverse(f"dispatch:{name}", args=[visit.pk])).status_code == 404
    assert client.post(reverse("dispatch:step", args=[ticket.pk, "arrive"])).status_code == 404


def test_desk_assigns_from_the_assignment_form_and_engineers_cannot(world, ticket, client):
    login(client, world, "dispatcher")
    page = client.get(reverse("dispatch:assign", args=[ticket.pk])).content.decode()
    assert "工程师张" in page
    res = client.post(reverse("dispatch:assign", args=[ticket.pk]), {"engineer": world.engineer.pk, "version": ticket.version})
    assert res.status_code == 302 and res["Location"] == reverse("tickets:detail", args=[ticket.pk])
    ticket.refresh_from_db()
    assert ticket.assignee == world.engineer
    res = client.post(reverse("dispatch:assign", args=[ticket.pk]), {"engineer": world.engineer2.pk, "version": 1})
    assert res.status_code == 200 and res.context["form"].non_field_errors()  # stale version: shown, not saved
    ticket.refresh_from_db()
    assert ticket.assignee == world.engineer
    login(client, world, "engineer")
    assert client.get(reverse("dispatch:assign", args=[ticket.pk])).status_code == 403


def test_dealer_a_staff_see_dealer_jobs_and_dealer_b_staff_do_not(world, ticket, client):
    services.assign_ticket(world.dispatcher, ticket, dealer=world.users["dealer_a"].organisation)
    assert ticket.title in login(client, world, "dealer_a").get(reverse("dispatch:my_jobs")).content.decode()
    login(client, world, "dealer_b")
    assert ticket.title not in client.get(reverse("dispatch:my_jobs")).content.decode()
    assert client.get(reverse("dispatch:appointment", args=[ticket.pk])).status_code == 404


def test_my_jobs_sorted_by_appointment_then_severity_with_pinned_queries(world, client, django_assert_max_num_queries):
    later, sooner, unbooked = (open_ticket(world.desk, title=t, serial=world.asset_a.serial_no, severity=s)
                               for t, s in (("晚预约", 3), ("早预约", 3), ("未预约一级", 1)))
    for t, hours in ((later, 8), (sooner, 2)):
        services.assign_ticket(world.dispatcher, t, engineer=world.engineer)
        services.book_appointment(world.engineer, t, timezone.now() + dt.timedelta(hours=hours), "")
    services.assign_ticket(world.dispatcher, unbooked, engineer=world.engineer)
    for i in range(5):
        t = open_ticket(world.desk, title=f"其他{i}", serial=world.asset_a.serial_no)
        services.assign_ticket(world.dispatcher, t, engineer=world.engineer)
    login(client, world, "engineer")
    with django_assert_max_num_queries(7):  # one of them: the milestones recorded on all the page's jobs
        page = client.get(reverse("dispatch:my_jobs")).content.decode()
    assert page.index("早预约") < page.index("晚预约") < page.index("未预约一级") < page.index("其他0")


def test_p12_3_amendment_page_records_only_changed_fields(world, ticket, client):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "更换闭门器", "闭门器 ×1")
    services.sign_visit(world.engineer, visit, "drawn", "陈", png_bytes())
    login(client, world, "desk")
    form = client.get(reverse("dispatch:amend", args=[visit.pk])).context["form"]
    data = {name: form[name].value() or "" for name in ("arrived_at", "left_at", "work_done", "parts_used")}
    data = {k: (v.strftime("%Y-%m-%dT%H:%M") if hasattr(v, "strftime") else v) for k, v in data.items()}
    res = client.post(reverse("dispatch:amend", args=[visit.pk]), {**data, "reason": "数量笔误", "parts_used": "闭门器 ×2"})
    assert res.status_code == 302, res.context["form"].errors
    amendment = visit.amendments.get()
    assert set(amendment.changes) == {"parts_used"}
    page = client.get(reverse("dispatch:visit", args=[visit.pk])).content.decode()
    assert "数量笔误" in page and "闭门器 ×2" in page


def test_p5_4_fault_report_form_on_the_ticket(world, ticket, client):
    login(client, world, "technical")
    res = client.post(reverse("dispatch:fault_report", args=[ticket.pk]),
                      {"cause": "闭门器老化", "fix": "更换", "prevention": ""})
    assert res.status_code == 200 and "预防措施" in res.content.decode()
    res = client.post(reverse("dispatch:fault_report", args=[ticket.pk]),
                      {"cause": "闭门器老化", "fix": "更换", "prevention": "每季度检查"})
    assert res.status_code == 302 and FaultReport.objects.get().shared_with_customer is False
    login(client, world, "customer_a")
    assert client.get(reverse("dispatch:fault_report", args=[ticket.pk])).status_code == 403


def test_p5_7_asset_archive_and_ticket_history_list_visits_and_only_shared_reports_for_customers(world, ticket):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    services.write_fault_report(world.technical, ticket, "外部原因", "调整", "培训", True)
    services.write_fault_report(world.technical, ticket, "内部原因", "召回", "换供应商", False)
    for obj in (world.asset_a, ticket):
        staff = [s for s in history_for(world.desk, obj) if s.template == "dispatch/_history.html"][0]
        assert staff.context["visits"] == [visit] and len(staff.context["fault_reports"]) == 2
        cust = [s for s in history_for(world.users["customer_a"], obj) if s.template == "dispatch/_history.html"][0]
        assert [r.cause for r in cust.context["fault_reports"]] == ["外部原因"]
        assert not [s for s in history_for(world.users["customer_b"], obj) if s.template == "dispatch/_history.html"]


def test_visit_list_page_uses_the_shared_filter(world, ticket, client):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    login(client, world, "desk")
    assert visit.ticket.number in client.get(reverse("dispatch:visits")).content.decode()
    assert visit.ticket.number not in client.get(reverse("dispatch:visits"), {"signed": "true"}).content.decode()


def test_p12_3_admin_shows_visit_records_read_only(world, ticket, client):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    services.sign_visit(world.engineer, visit, "drawn", "陈", png_bytes())
    login(client, world, "admin")
    url = reverse("admin:dispatch_visit_change", args=[visit.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"work_done": "改写"}).status_code == 403
    assert Visit.objects.get(pk=visit.pk).work_done == "调整"


def test_signed_visit_sign_and_confirm_pages_lead_to_the_record(world, ticket, client):
    visit = services.record_departure(world.engineer, on_site(world, ticket), "调整")
    services.sign_visit(world.users["customer_a"], visit, "account", "")
    login(client, world, "customer_a")
    assert client.get(reverse("dispatch:confirm", args=[visit.pk]))["Location"] == reverse("dispatch:visit", args=[visit.pk])
    login(client, world, "engineer")
    assert client.get(reverse("dispatch:sign", args=[visit.pk]))["Location"] == reverse("dispatch:visit", args=[visit.pk])
