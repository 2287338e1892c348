"""Scenario tests straight from the seed plans (issue 3, "Correctness"), through the services.

Time is frozen in every test (`frozen` fixture); tickets are opened and moved through the
tickets services, so clocks come from the real signal wiring.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from shouhou.sla.choices import ClockState
from shouhou.sla.models import Clock, FiredEscalation, LoanerTask, ServicePlan, Target, WorkingCalendar
from shouhou.sla.services import record_milestone, scan_due_clocks
from shouhou.tickets.choices import EventKind
from shouhou.tickets.services import update_ticket

from .conftest import act, open_fault, sh


def clocks_of(ticket):
    return {c.target.commitment + ":" + c.kind: c for c in Clock.objects.filter(ticket=ticket).select_related("target")}


def test_p13_level1_fault_at_1750_on_the_last_working_day_before_national_day(world, p13_contract, frozen):
    """P13.2 promises wall-clock hours: the holiday does not stretch 30 min / 2 h / 4 h."""
    frozen.set(sh(2026, 9, 30, 17, 50))
    ticket = open_fault(world, severity=1)
    clocks = clocks_of(ticket)
    assert clocks["P13.2:response"].due_at == sh(2026, 9, 30, 18, 20)
    assert clocks["P13.2:arrival"].due_at == sh(2026, 9, 30, 19, 50)
    assert clocks["P13.2:resolution"].due_at == sh(2026, 9, 30, 21, 50)
    assert all(c.state == ClockState.RUNNING for c in clocks.values())


def test_same_fault_counted_in_working_hours_resumes_after_the_national_day_holiday(world, p13_contract, frozen):
    """If a contract counts the 4 h in working hours (CN 5×8), 10 min are left on 30 September
    and the rest runs on 8 October (1–7 October are holidays): 09:00–12:00 + 13:00–13:50."""
    Target.objects.filter(plan__contract=p13_contract, kind="resolution").update(unit="working_hours")
    frozen.set(sh(2026, 9, 30, 17, 50))
    ticket = open_fault(world, severity=1)
    assert clocks_of(ticket)["P13.2:resolution"].due_at == sh(2026, 10, 8, 13, 50)


def test_p56_report_due_three_working_days_after_a_friday_inspection_before_a_makeup_saturday(world, frozen):
    """P5.6: inspection done Friday 9 October 2026; Saturday 10 October is a make-up working day
    (调休), so the three working days are Sat 10, Mon 12, Tue 13 → due Tuesday 18:00."""
    plan = ServicePlan.objects.get(is_template=True, source="P5")
    from shouhou.sla.services import create_plan_from_template

    create_plan_from_template(world.dispatcher, plan, world.contract_a)
    frozen.set(sh(2026, 10, 9, 9, 0))
    ticket = open_fault(world, severity=3)
    frozen.set(sh(2026, 10, 9, 16, 30))
    record_milestone(world.desk, ticket, "inspection_done")
    report = clocks_of(ticket)["P5.6:report"]
    assert report.due_at == sh(2026, 10, 13, 18, 0)
    frozen.set(sh(2026, 10, 13, 17, 0))
    record_milestone(world.desk, ticket, "report_submitted")
    report.refresh_from_db()
    assert report.state == ClockState.MET
    assert report.late_seconds is None


def test_pending_customer_pauses_the_resolution_clock(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 10, 10))
    ticket = act(ticket, world.desk, "accept")
    frozen.set(sh(2026, 3, 2, 11, 0))
    ticket = act(ticket, world.desk, "wait_customer", reason="客户联系人出差")
    fix = clocks_of(ticket)["P13.2:resolution"]
    assert fix.state == ClockState.PAUSED and fix.due_at is None
    frozen.set(sh(2026, 3, 2, 13, 30))
    act(ticket, world.desk, "resume")
    fix.refresh_from_db()
    assert fix.state == ClockState.RUNNING
    assert fix.due_at == sh(2026, 3, 2, 16, 30)  # 14:00 + 2 h 30 min paused
    assert fix.paused_seconds == 2.5 * 3600


def test_severity_change_recomputes_in_the_timeline_and_keeps_paused_time(world, frozen):
    """A plan with level-1 (4 working hours) and other (8 working hours) resolution targets:
    after 1 h running and 2 h paused, a change to level 1 swaps the clock, and the new clock
    still counts the 2 h pause (it is re-derived from the log, not carried in a counter)."""
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    plan = ServicePlan.objects.create(name="分级方案", contract=world.contract_a, calendar=calendar,
                                      pause_statuses=["pending_customer"])
    Target.objects.create(plan=plan, kind="resolution", name="一级 4 工作小时", amount=Decimal(4),
                          unit="working_hours", stop_event="resolved", severities=[1])
    Target.objects.create(plan=plan, kind="resolution", name="二三级 8 工作小时", amount=Decimal(8),
                          unit="working_hours", stop_event="resolved", severities=[2, 3])
    frozen.set(sh(2026, 3, 2, 9, 0))  # Monday
    ticket = act(open_fault(world, severity=2), world.desk, "accept")
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = act(ticket, world.desk, "wait_customer", reason="等待客户确认")
    frozen.set(sh(2026, 3, 2, 13, 0))  # 10–12 and 13:00 → 2 working hours paused
    ticket = act(ticket, world.desk, "resume")
    frozen.set(sh(2026, 3, 2, 14, 0))
    ticket.refresh_from_db()
    update_ticket(world.desk, ticket, ticket.version, severity=1)
    (clock,) = Clock.objects.filter(ticket=ticket).exclude(state="cancelled")
    assert clock.name == "一级 4 工作小时"
    # the level-2 clock no longer applies: withdrawn, kept as evidence (P13.9)
    assert Clock.objects.get(ticket=ticket, state="cancelled").name == "二三级 8 工作小时"
    # used: 09–10 and 13–14 = 2 h; 2 h left from 14:00 → 16:00; the pause is not lost
    assert clock.due_at == sh(2026, 3, 2, 16, 0)
    assert clock.paused_seconds == 3 * 3600
    recompute = ticket.events.filter(kind=EventKind.CLOCKS).last()
    assert "severity" in recompute.body and recompute.data["changes"]
    from shouhou.tickets.models import TicketEvent

    assert not TicketEvent.objects.visible_to(world.customer_a).filter(pk=recompute.pk).exists()  # desk-only


def test_escalations_fire_once_even_if_scanned_twice_and_a_loaner_task_opens_at_4h(world, p13_contract, frozen):
    """P13.2: not done in 4 h → loaner task; warnings and breaches are e-mailed once."""
    world.dispatcher.email = "dispatch@example.com"
    world.dispatcher.save()
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 2, 10, 5))
    act(ticket, world.desk, "accept")
    frozen.set(sh(2026, 3, 2, 14, 1))
    first = scan_due_clocks()
    second = scan_due_clocks()
    assert first["fired"] >= 3 and first["breached"] == 2  # arrival and resolution breached
    assert second == {"tickets": 0, "breached": 0, "fired": 0}
    assert LoanerTask.objects.filter(ticket=ticket).count() == 1
    keys = list(FiredEscalation.objects.filter(ticket=ticket).values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    escalations = ticket.events.filter(kind=EventKind.ESCALATION)
    assert escalations.count() == len(keys)
    from shouhou.notify.models import OutboxMessage

    mails = OutboxMessage.objects.filter(recipient="dispatch@example.com")
    assert mails.count() >= 2
    assert mails.count() == len(set(mails.values_list("dedupe_key", flat=True)))


def test_a_clock_due_while_no_worker_ran_fires_when_the_scan_comes_back(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.set(sh(2026, 3, 3, 10, 0))  # a day later
    scan_due_clocks()
    states = set(Clock.objects.filter(ticket=ticket).values_list("state", flat=True))
    assert states == {ClockState.BREACHED}
    breach_events = ticket.events.filter(kind=EventKind.ESCALATION, data__breached=True)
    assert breach_events.count() == 3


def test_resolution_in_time_stops_clocks_as_met(world, p13_contract, frozen):
    frozen.set(sh(2026, 3, 2, 10, 0))
    ticket = open_fault(world, severity=1)
    frozen.advance(minutes=10)
    ticket = act(ticket, world.desk, "accept")
    frozen.advance(minutes=10)
    ticket = act(ticket, world.dispatcher, "assign", fields={"assignee": world.engineer})
    frozen.advance(minutes=60)
    ticket = act(ticket, world.engineer, "arrive")
    frozen.advance(minutes=90)
    act(ticket, world.engineer, "resolve", resolution="更换控制器")
    clocks = clocks_of(ticket)
    assert {c.state for c in clocks.values()} == {ClockState.MET}
    assert clocks["P13.2:resolution"].stopped_at == sh(2026, 3, 2, 12, 50)
    assert timedelta(seconds=clocks["P13.2:resolution"].used_seconds) == timedelta(hours=2, minutes=50)
