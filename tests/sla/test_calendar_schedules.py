"""Calendars that never run out (issue 8): provisional years, the entered notice, admin notices.

Given the packaged official data ends on 2026-12-31, a Chinese calendar counts 2027 on a
provisional schedule (never silently "working"), marks it provisional, and is recomputed when the
State Council's notice is entered; admins are told once, from the periodic job.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from shouhou.notify.models import OutboxMessage
from shouhou.sla import worktime as wt
from shouhou.sla.choices import DayKind
from shouhou.sla.holidays import provisional_schedule
from shouhou.sla.models import CalendarDay, Clock, WorkingCalendar
from shouhou.sla.reports import explain_payload
from shouhou.sla.services import clocks
from shouhou.sla.services.schedules import check_calendars, enter_notice, fill_statutory_days
from shouhou.sla.tasks import check_calendars as periodic_check
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import TicketEvent

from .conftest import open_fault, sh

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clocks._CAL_CACHE.clear()


def test_a_chinese_calendar_is_official_until_2026_and_provisional_for_2027(office):
    assert office.known_until == date(2026, 12, 31)
    assert office.provisional_years()[:1] == [2027]
    rows = {d.date: d for d in office.days.filter(date__year=2027)}
    assert {d for d, row in rows.items() if row.kind == DayKind.HOLIDAY} == {
        d.date for d in provisional_schedule(2027).days if d.kind == "holiday"}
    assert rows[date(2027, 1, 1)].kind == DayKind.HOLIDAY and rows[date(2027, 1, 1)].provisional
    assert rows[date(2027, 2, 6)].name == "春节"  # the lunar new year, computed
    assert not office.days.filter(date__year=2026, provisional=True).exists()


def test_three_working_days_from_2026_12_30_16_00_never_count_new_years_day_2027(office):
    """P5.6: Dec 31 is the 1st working day, Jan 1 2027 (provisional holiday) is skipped, Jan 5 is the 3rd."""
    cal = office.to_worktime()
    due = wt.add_duration(cal, sh(2026, 12, 30, 16, 0), 3, "working_days")
    assert due == sh(2027, 1, 5, 18, 0)
    assert not wt.is_working(cal, sh(2027, 1, 1, 10, 0))
    assert wt.working_time_between(cal, sh(2026, 12, 31, 18, 0), sh(2027, 1, 4, 9, 0)) == timedelta(0)
    eight_hours = wt.add_duration(cal, sh(2026, 12, 30, 16, 0), 24, "working_hours")
    assert eight_hours == sh(2027, 1, 5, 16, 0)  # 2 h + 8 h (Dec 31) + 8 h (Jan 4) + 6 h (Jan 5)


def test_the_ticket_clock_across_new_year_is_due_jan_5_and_marked_provisional(world, report_plan, frozen):
    frozen.set(sh(2026, 12, 30, 16, 0))
    ticket = open_fault(world)
    clock = Clock.objects.select_related("calendar").get(ticket=ticket, kind="report")
    assert clock.due_at == sh(2027, 1, 5, 18, 0)
    assert clock.is_provisional
    explained = explain_payload(clock)
    assert explained["provisional"] and explained["official_holidays_until"] == date(2026, 12, 31)
    assert explained["provisional_years"][:1] == [2027]


def test_a_clock_due_inside_the_official_year_is_not_provisional(world, report_plan, frozen):
    frozen.set(sh(2026, 12, 1, 10, 0))
    clock = Clock.objects.get(ticket=open_fault(world), kind="report")
    assert clock.due_at == sh(2026, 12, 4, 18, 0) and not clock.is_provisional
    assert explain_payload(clock)["provisional"] is False


def test_entering_the_2027_notice_replaces_the_provisional_year_and_moves_due_times(world, report_plan, frozen):
    """Provisional Spring Festival: Feb 5–10 off.  The notice: Feb 5–13 off, Feb 20 a make-up day."""
    frozen.set(sh(2027, 2, 4, 10, 0))
    ticket = open_fault(world)
    clock = Clock.objects.get(ticket=ticket, kind="report")
    assert clock.due_at == sh(2027, 2, 15, 18, 0)  # Feb 11, 12, 15
    result = enter_notice(world.admin, report_plan.calendar, (DATA / "notice_2027_sample.txt").read_text("utf-8"))
    assert result["year"] == 2027 and result["recompute"]["changed"] >= 1
    clock.refresh_from_db()
    assert clock.due_at == sh(2027, 2, 17, 18, 0)  # Feb 15, 16, 17
    calendar = WorkingCalendar.objects.get(pk=report_plan.calendar.pk)
    assert calendar.known_until == date(2027, 12, 31) and 2027 not in calendar.provisional_years()
    assert calendar.days.get(date=date(2027, 2, 20)).kind == DayKind.MAKEUP
    assert calendar.days.get(date=date(2027, 2, 12)).kind == DayKind.REST
    entry = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CLOCKS).latest("pk")
    assert "2027" in entry.body and "国务院" in entry.data["reason"]
    assert entry.data["changes"][0]["after"].startswith("2027-02-17T10:00:00")  # 18:00 Shanghai in UTC
    assert not Clock.objects.get(pk=clock.pk).is_provisional


def test_admin_edits_of_company_days_survive_the_package_refill(office):
    CalendarDay.objects.create(calendar=office, date=date(2027, 3, 8), kind=DayKind.REST, name="公司日", source="admin")
    office.days.filter(date__year=2027, provisional=True).delete()
    fill_statutory_days(office, TODAY)
    assert office.days.get(date=date(2027, 3, 8)).name == "公司日"
    assert office.days.filter(date=date(2027, 1, 1), provisional=True).exists()


def test_a_new_calendar_marked_chinese_is_prefilled_and_others_start_empty(db):
    chinese = WorkingCalendar.objects.create(code="shop", name="门店 6×8", statutory="CN",
                                             week=["09:00-17:00"] * 6 + [""])
    assert chinese.days.filter(date=date(2026, 10, 1), kind=DayKind.HOLIDAY).exists()
    assert chinese.days.filter(date=date(2026, 9, 20), kind=DayKind.MAKEUP).exists()
    assert chinese.days.filter(date=date(2027, 1, 1), provisional=True).exists()
    chinese.refresh_from_db()
    assert chinese.known_until == date(2026, 12, 31)
    plain = WorkingCalendar.objects.create(code="plain", name="无节假日")
    assert not plain.days.exists()


def _notices(key_part: str):
    return OutboxMessage.objects.filter(dedupe_key__contains=key_part)


def test_admins_are_told_once_60_days_ahead_and_when_the_provisional_year_is_used(world, office, frozen):
    world.admin.email = "admin@example.invalid"
    world.admin.save()
    assert check_calendars(date(2026, 10, 1))["notices"] == 0  # 91 days left, 2027 not yet in use
    assert not _notices(f"sla:calendar:{office.pk}:").exists()
    check_calendars(date(2026, 11, 2))  # 59 days left
    assert _notices("official-ends:2026-12-31").count() == 1
    frozen.set(sh(2026, 11, 3, 10, 0))
    periodic_check()
    check_calendars(date(2026, 12, 3))
    assert _notices("official-ends:2026-12-31").count() == 1  # once, however often the job runs
    assert _notices("provisional:2027").count() == 0
    check_calendars(date(2027, 1, 1))
    check_calendars(date(2027, 1, 2))
    notice = _notices("provisional:2027").get()
    assert notice.recipient == "admin@example.invalid" and "2027" in notice.subject


def test_the_provisional_notice_goes_as_soon_as_a_clock_counts_into_the_year(world, report_plan, frozen):
    world.admin.email = "admin@example.invalid"
    world.admin.save()
    frozen.set(sh(2026, 12, 30, 16, 0))
    open_fault(world)  # due 2027-01-05
    check_calendars(date(2026, 12, 30))
    assert _notices("provisional:2027").count() == 1


def test_the_worker_runs_the_calendar_check_every_hour():
    from shouhou.core.worker import default_jobs

    job = next(job for job in default_jobs() if job.name == "check_calendars")
    assert job.every == 3600 and job.resolve() is periodic_check


# --------------------------------------------------------------------------- pages
def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_admin_pastes_the_notice_sees_a_preview_then_saves_and_clocks_move(world, report_plan, frozen):
    frozen.set(sh(2027, 2, 4, 10, 0))
    ticket = open_fault(world)
    calendar = report_plan.calendar
    text = (DATA / "notice_2027_sample.txt").read_text("utf-8")
    page = _client(world.admin).post(f"/sla/calendars/{calendar.pk}/notice/", {"text": text}).content.decode()
    assert "2027-02-13" in page and "调休休息日" in page and "调休上班日" in page and "暂定" in page
    assert "本来就是周一至周五" in page  # the 1月4日（周一） warning
    assert not calendar.days.filter(date=date(2027, 2, 20)).exists()  # a preview saves nothing
    response = _client(world.admin).post(f"/sla/calendars/{calendar.pk}/notice/",
                                         {"text": text, "year": "", "confirm": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    assert calendar.days.get(date=date(2027, 2, 20)).kind == DayKind.MAKEUP
    assert Clock.objects.get(ticket=ticket, kind="report").due_at == sh(2027, 2, 17, 18, 0)
    detail = _client(world.desk).get(f"/sla/calendars/{calendar.pk}/?year=2027").content.decode()
    assert "调休上班日" in detail and "法定节假日" in detail


def test_a_notice_that_cannot_be_read_is_refused_on_the_form(world, office):
    page = _client(world.admin).post(f"/sla/calendars/{office.pk}/notice/",
                                     {"text": "一、元旦：1月1日（周四）放假1天。", "year": "2027"}).content.decode()
    assert "星期与日期不符" in page
    assert office.days.get(date=date(2027, 1, 1)).provisional


def test_only_admins_enter_notices(world, office):
    assert _client(world.dispatcher).get(f"/sla/calendars/{office.pk}/notice/").status_code == 403


def test_calendar_page_marks_the_provisional_year_and_explain_says_provisional(world, report_plan, frozen):
    frozen.set(sh(2026, 12, 30, 16, 0))
    ticket = open_fault(world)
    page = _client(world.desk).get(f"/sla/calendars/{report_plan.calendar.pk}/?year=2027").content.decode()
    assert "暂定" in page and "2027" in page
    clock = Clock.objects.get(ticket=ticket, kind="report")
    explain = _client(world.desk).get(f"/sla/clocks/{clock.pk}/explain/").content.decode()
    assert "暂定" in explain and "2026-12-31" in explain
    api = _client(world.desk).get(f"/api/v1/clocks/{clock.pk}/explain/").json()
    assert api["provisional"] is True and api["official_holidays_until"] == "2026-12-31"
    assert api["provisional_years"][:1] == [2027] and api["clock"]["provisional"] is True


def test_xlsx_import_replaces_the_provisional_year(world, office):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "名称"])
    sheet.append([date(2027, 1, 1), "法定节假日", "元旦"])
    sheet.append(["2027-01-02", "调休休息日", "元旦"])
    sheet.append(["2027-02-20", "调休上班日", "春节调休"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _client(world.admin).post(f"/sla/calendars/{office.pk}/", {
        "file": SimpleUploadedFile("2027.xlsx", buffer.getvalue())})
    assert response.status_code == 302
    assert list(office.days.filter(date__year=2027).values_list("date", "kind", "provisional")) == [
        (date(2027, 1, 1), "holiday", False), (date(2027, 1, 2), "rest", False), (date(2027, 2, 20), "makeup", False)]


def test_the_admin_change_page_no_longer_lists_every_day(world, office):
    page = _client(world.admin).get(f"/admin/sla/workingcalendar/{office.pk}/change/", secure=True)
    assert page.status_code == 200
    assert office.days.count() > 700 and len(page.content) < 200_000
    assert f"/sla/calendars/{office.pk}/" in page.content.decode()
