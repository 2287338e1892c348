"""SLA services: seeding, templates as data, calendar edits, milestones, loaner tasks (issue 3)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.sla.choices import LoanerStatus
from shouhou.sla.models import CalendarDay, Clock, LoanerTask, WorkingCalendar
from shouhou.sla.services import (
    close_loaner_task,
    create_plan_from_template,
    record_milestone,
    save_calendar_day,
    scan_due_clocks,
    seed_calendars,
)
from shouhou.tickets.choices import EventKind

from .conftest import open_fault, sh, template


def targets_of(source):
    return {(t.name, t.amount, t.unit, t.start_event, t.stop_event, t.commitment): t
            for t in template(source).targets.all()}


def test_china_calendar_is_seeded_for_every_known_year_and_seeding_is_idempotent(db):
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    assert calendar.known_until == date(2026, 12, 31)
    assert CalendarDay.objects.get(calendar=calendar, date=date(2026, 10, 10)).kind == "makeup"  # 国庆调休
    assert CalendarDay.objects.get(calendar=calendar, date=date(2004, 10, 1)).kind == "holiday"
    count = calendar.days.count()
    assert seed_calendars()["days_added"] == 0
    assert calendar.days.count() == count


def test_seeding_never_overwrites_a_day_an_admin_edited(world):
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    save_calendar_day(world.admin, calendar, day=date(2026, 10, 8), kind="holiday", name="公司假")
    CalendarDay.objects.filter(calendar=calendar, date=date(2026, 10, 1)).update(name="改过的名字")
    seed_calendars()
    assert CalendarDay.objects.get(calendar=calendar, date=date(2026, 10, 1)).name == "改过的名字"
    assert CalendarDay.objects.get(calendar=calendar, date=date(2026, 10, 8)).source == "admin"


def test_p5_template_reproduces_the_seed_plan(db):
    """P5.2 A/B 10 min, C 30 min; P5.5 spare within 4 h; P5.6 report within 3 working days."""
    got = {(name, amount, unit, commitment) for name, amount, unit, _s, _e, commitment in targets_of("P5")}
    assert got == {("A/B 级 10 分钟内回复", Decimal(10), "minutes", "P5.2"),
                   ("C 级半小时内回复", Decimal(30), "minutes", "P5.2"),
                   ("4 小时内备件/备机运抵现场", Decimal(4), "hours", "P5.5"),
                   ("巡检完成后三个工作日内提交巡检报告", Decimal(3), "working_days", "P5.6")}
    levels = {t.name: t.service_levels for t in template("P5").targets.all()}
    assert levels["A/B 级 10 分钟内回复"] == ["A", "B"] and levels["C 级半小时内回复"] == ["C"]


def test_p8_p13_p14_templates_reproduce_the_seed_plans(db):
    p8 = {(t.warranty, t.kind): (t.amount, t.unit) for t in template("P8").targets.all()}
    assert p8 == {("in", "arrival"): (1, "hours"), ("in", "resolution"): (12, "hours"),
                  ("out", "arrival"): (4, "hours"), ("out", "resolution"): (24, "hours")}
    p13 = {t.kind: (t.amount, t.unit) for t in template("P13").targets.all()}
    assert p13 == {"response": (30, "minutes"), "arrival": (2, "hours"), "resolution": (4, "hours")}
    p14 = {(tuple(t.severities), t.kind, t.start_event): t.amount for t in template("P14").targets.all()}
    assert p14 == {((2, 3), "arrival", "received"): 24, ((2, 3), "solution", "received"): 48,
                   ((2, 3), "resolution", "received"): 72, ((1,), "callback", "received"): 30,
                   ((1,), "arrival", "received"): 8, ((1,), "resolution", "arrived"): 2}
    loaner = template("P13").escalations.get(action="open_loaner")
    assert loaner.target.kind == "resolution" and loaner.offset_minutes == 0 and loaner.commitment == "P13.2"


def test_p8_in_warranty_asset_gets_the_1h_and_12h_clocks(world, frozen):
    create_plan_from_template(world.dispatcher, template("P8"), world.contract_a)
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=2)
    assert ticket.in_warranty is True
    dues = {c.kind: c.due_at for c in Clock.objects.filter(ticket=ticket)}
    assert dues == {"arrival": sh(2026, 3, 2, 11, 0), "resolution": sh(2026, 3, 2, 22, 0)}


def test_a_calendar_edit_recomputes_open_clocks_and_says_why_in_the_timeline(world, p13_contract, frozen):
    from shouhou.sla.models import Target

    Target.objects.filter(plan__contract=p13_contract, kind="resolution").update(unit="working_hours")
    frozen.set(sh(2026, 3, 6, 16, 0))  # Friday 16:00: 2 h today, 2 h on Monday
    ticket = open_fault(world, severity=1)
    clock = Clock.objects.get(ticket=ticket, kind="resolution")
    assert clock.due_at == sh(2026, 3, 9, 11, 0)
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    save_calendar_day(world.admin, calendar, day=date(2026, 3, 9), kind="holiday", name="公司停电")
    clock.refresh_from_db()
    assert clock.due_at == sh(2026, 3, 10, 11, 0)
    event = ticket.events.filter(kind=EventKind.CLOCKS).last()
    assert "公司停电" in event.body


def test_only_admins_edit_calendar_days(world):
    with pytest.raises(PermissionDeniedError):
        save_calendar_day(world.dispatcher, WorkingCalendar.objects.get(code="cn-5x8"), day=date(2027, 1, 1),
                          kind="holiday")


def test_milestones_cannot_lie_in_the_future_or_come_from_customers(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    with pytest.raises(ServiceError) as exc:
        record_milestone(world.desk, ticket, "contacted", at=sh(2026, 3, 2, 11, 0))
    assert exc.value.code == "future_event"
    with pytest.raises(PermissionDeniedError):
        record_milestone(world.customer_a, ticket, "contacted")


def test_a_backdated_call_back_counts_at_the_time_it_was_made(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 10, 50))  # typed in late, but the call was at 10:20
    record_milestone(world.desk, ticket, "contacted", at=sh(2026, 3, 2, 10, 20))
    clock = Clock.objects.get(ticket=ticket, kind="response")
    assert clock.state == "met" and clock.stopped_at == sh(2026, 3, 2, 10, 20)


def test_providing_the_loaner_closes_the_task_and_stops_the_p55_clock(world, frozen):
    """P5.5: spare on site within 4 h; at half-time a loaner task opens; providing it stops the clock."""
    create_plan_from_template(world.dispatcher, template("P5"), world.contract_a)
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 12, 1))
    scan_due_clocks()
    task = LoanerTask.objects.get(ticket=ticket)
    assert task.commitment == "P5.5"
    frozen.set(sh(2026, 3, 2, 13, 30))
    close_loaner_task(world.dispatcher, task, provided=True, note="备机 FD-X 已送达")
    task.refresh_from_db()
    assert task.status == LoanerStatus.DONE
    spare = Clock.objects.get(ticket=ticket, kind="loaner")
    assert spare.state == "met" and spare.stopped_at == sh(2026, 3, 2, 13, 30)
    assert timedelta(seconds=spare.used_seconds) == timedelta(hours=3, minutes=30)


def test_ticket_without_a_plan_has_no_clocks(world, frozen):
    ticket = open_fault(world, severity=1)
    assert not Clock.objects.filter(ticket=ticket).exists()
