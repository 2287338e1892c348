"""SLA pages: clocks on the ticket page, explain, due list, compliance, templates, calendars."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shouhou.sla.models import CalendarDay, Clock, ServicePlan, WorkingCalendar
from shouhou.sla.services import scan_due_clocks

from .conftest import act, open_fault, sh, template


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def p13_ticket(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    return open_fault(world, severity=1)


def test_ticket_detail_shows_each_clock_with_due_and_remaining(world, p13_ticket, frozen):
    frozen.set(sh(2026, 3, 2, 10, 15))
    page = client_for(world.desk).get(f"/tickets/{p13_ticket.pk}/").content.decode()
    assert "4 小时内处理完毕" in page and "2026-03-02 14:00" in page
    assert "15 分钟" in page  # 15 min left on the 30-minute response


def test_breached_clock_shows_by_how_much(world, p13_ticket, frozen):
    frozen.set(sh(2026, 3, 2, 15, 0))
    scan_due_clocks()
    page = client_for(world.desk).get(f"/tickets/{p13_ticket.pk}/").content.decode()
    assert "超时 1 小时" in page  # resolution due 14:00, now 15:00


def test_explain_page_lists_events_with_working_and_wall_time(world, p13_ticket, frozen):
    frozen.set(sh(2026, 3, 2, 10, 12))
    act(p13_ticket, world.desk, "accept")
    clock = Clock.objects.get(ticket=p13_ticket, kind="response")
    page = client_for(world.desk).get(f"/sla/clocks/{clock.pk}/explain/").content.decode()
    assert "12 分钟" in page and "18 分钟" in page  # used 12 min, 18 min to spare


def test_explain_page_is_404_outside_the_users_scope(world, p13_ticket):
    clock = Clock.objects.filter(ticket=p13_ticket).first()
    assert client_for(world.customer_b).get(f"/sla/clocks/{clock.pk}/explain/").status_code == 404


def test_due_list_shows_what_breaches_within_the_hour(world, p13_ticket, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    page = client_for(world.dispatcher).get("/sla/due/").content.decode()
    assert "半小时之内给以响应" in page and "4 小时内处理完毕" not in page


def test_monthly_compliance_of_a_contract(world, p13_ticket, frozen):
    frozen.set(sh(2026, 3, 2, 10, 10))
    ticket = act(p13_ticket, world.desk, "accept")  # response met
    frozen.set(sh(2026, 3, 2, 15, 0))
    scan_due_clocks()  # arrival and resolution breached
    page = client_for(world.dispatcher).get("/sla/compliance/", {"contract": ticket.contract_id,
                                                                "month": "2026-03"}).content.decode()
    assert "33.3%" in page
    assert client_for(world.customer_b).get("/sla/compliance/", {"contract": ticket.contract_id}).status_code == 403


def test_service_manager_creates_a_contracts_plan_from_the_p13_template_page(world):
    client = client_for(world.dispatcher)
    p13 = template("P13")
    page = client.get(f"/sla/plans/{p13.pk}/").content.decode()
    targets = page[page.index("<h2>时限目标</h2>"):page.index("</section>", page.index("<h2>时限目标</h2>"))]
    assert "半小时之内给以响应" in targets and "P13.2" not in targets  # commitment codes are for us, not users
    response = client.post(f"/sla/plans/{p13.pk}/create/", {"contract": world.contract_a.pk})
    plan = ServicePlan.objects.get(contract=world.contract_a)
    assert response.status_code == 302 and response["Location"] == f"/sla/plans/{plan.pk}/"


def test_plan_list_shows_templates(world):
    page = client_for(world.desk).get("/sla/").content.decode()
    for source in ("P5", "P8", "P13", "P14"):
        assert template(source).name in page


def test_calendar_pages_warn_before_the_holiday_data_runs_out(world, frozen):
    frozen.set(sh(2026, 11, 27, 9, 0))
    page = client_for(world.desk).get("/sla/calendars/").content.decode()
    assert "2026-12-31" in page and "34" in page


def test_admin_imports_next_years_days_from_csv_and_the_warning_goes(world, frozen):
    frozen.set(sh(2026, 11, 27, 9, 0))
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    csv = "date,kind,name\n2027-01-01,休,元旦\n2027-02-06,班,春节调休\n"
    response = client_for(world.admin).post(f"/sla/calendars/{calendar.pk}/",
                                            {"file": SimpleUploadedFile("2027.csv", csv.encode())})
    assert response.status_code == 302
    calendar.refresh_from_db()
    assert str(calendar.known_until) == "2027-12-31"
    assert CalendarDay.objects.get(calendar=calendar, date="2027-02-06").kind == "makeup"


def test_bad_csv_rows_are_reported_with_line_numbers_and_nothing_is_imported(world):
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    before = list(CalendarDay.objects.filter(calendar=calendar, date__year=2027).values_list("date", "provisional"))
    csv = "2027-01-01,休,元旦\n2027-13-01,休,坏日期\n2027-02-06,maybe,x\n"
    page = client_for(world.admin).post(f"/sla/calendars/{calendar.pk}/",
                                        {"file": SimpleUploadedFile("bad.csv", csv.encode())}).content.decode()
    assert "2" in page and "3" in page
    after = list(CalendarDay.objects.filter(calendar=calendar, date__year=2027).values_list("date", "provisional"))
    assert after == before and all(provisional for _day, provisional in after)


def test_only_admins_edit_calendars(world):
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    response = client_for(world.desk).post(f"/sla/calendars/{calendar.pk}/", {"date": "2027-01-01", "kind": "holiday"})
    assert response.status_code == 403


def test_recording_a_call_back_stops_the_callback_clock(world, frozen):
    from shouhou.sla.services import create_plan_from_template

    create_plan_from_template(world.dispatcher, template("P5"), world.contract_a)  # contract level A: 10 min
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=2)
    frozen.set(sh(2026, 3, 2, 10, 7))
    response = client_for(world.desk).post(f"/sla/tickets/{ticket.pk}/event/", {"event": "contacted"})
    assert response.status_code == 302
    clock = Clock.objects.get(ticket=ticket, kind="callback")
    assert clock.state == "met" and clock.name == "A/B 级 10 分钟内回复"
