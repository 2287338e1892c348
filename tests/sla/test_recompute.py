"""Bulk recompute after a calendar edit equals recomputing each clock from its log (issue 3, P5.6, P13.2).

Given tickets whose clocks were synced from their timelines, when the calendar changes and
`recompute_calendar_clocks` runs, then every open clock holds exactly what `sync_clocks` would
store at the same instant, and each ticket whose due times moved has one timeline entry saying why.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shouhou.sla import worktime as wt
from shouhou.sla.choices import ClockState, DayKind
from shouhou.sla.models import (
    CalendarDay,
    Clock,
    EscalationRule,
    FiredEscalation,
    ServicePlan,
    Target,
    WorkingCalendar,
)
from shouhou.sla.services import clocks, recompute_calendar_clocks, sync_clocks
from shouhou.sla.services.calendars import touch_calendar
from shouhou.sla.services.recompute import _us, _Worked
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Ticket, TicketEvent

from .conftest import sh

STABLE = ("due_at", "state", "budget_seconds", "consumed_seconds", "next_escalation_at", "started_at", "resumed_at")
AS_OF_NOW = ("used_seconds", "late_seconds", "paused_seconds")
OFFICE = wt.make_calendar("Asia/Shanghai", ["09:00-12:00,13:00-18:00"] * 5 + ["", ""],
                          holidays=[date(2026, 4, 6)], makeup_days=[date(2026, 4, 11)])
BASE = sh(2026, 3, 30, 0, 0)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Calendar values are cached by (id, version, updated_at); under frozen time a rolled-back
    test's calendar can share that key with the next test's, so start each test afresh."""
    clocks._CAL_CACHE.clear()


# --------------------------------------------------------------------------- pure arithmetic
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 21 * 86400 * 10**6), st.integers(1, 200 * 3600 * 10**6),
                          st.integers(0, 40), st.booleans()), min_size=1, max_size=40))
def test_batch_working_time_equals_the_scalar_path_to_the_microsecond(cases):
    """Due times that end exactly on an interval's end (Friday 18:00, not Monday 09:00) included."""
    starts = [BASE + timedelta(microseconds=offset) for offset, *_ in cases]
    amounts = []
    for start, (_, amount, day, on_boundary) in zip(starts, cases, strict=True):
        if on_boundary:  # the working time to some 12:00 or 18:00 ahead
            end = (BASE + timedelta(days=day)).replace(hour=12 if day % 2 else 18)
            amount = max(1, wt.working_time_between(OFFICE, start, end) // timedelta(microseconds=1))
        amounts.append(amount)
    t = np.array([_us(s) for s in starts], np.int64)
    worked = _Worked(OFFICE, int(t.min()), int(t.max()))
    due = worked.earliest(worked.worked(t) + np.array(amounts, np.int64))
    for start, amount, got in zip(starts, amounts, due.tolist(), strict=True):
        expected = wt.add_duration(OFFICE, start, wt.Fraction(amount, 60_000_000), "working_minutes")
        assert got == _us(expected)


# --------------------------------------------------------------------------- a small world
def _plan(calendar) -> tuple[ServicePlan, list[Target]]:
    plan = ServicePlan.objects.create(name="recompute", calendar=calendar, is_default=True,
                                      pause_statuses=["pending_customer"])
    specs = [("resolution", "8", "working_hours", "received"), ("arrival", "45", "working_minutes", "received"),
             ("report", "3", "working_days", "received"), ("solution", "2.5", "working_days", "accepted"),
             ("callback", "9", "working_hours", "accepted"), ("follow_up", "4", "hours", "received")]
    targets = [Target.objects.create(plan=plan, kind=kind, name=f"{kind} {amount} {unit}", amount=Decimal(amount),
                                     unit=unit, start_event=start, stop_event="resolved", order=i)
               for i, (kind, amount, unit, start) in enumerate(specs)]
    EscalationRule.objects.create(plan=plan, name="75%", level=1, trigger="share", share=Decimal("0.75"),
                                  action="notify_assignee")
    EscalationRule.objects.create(plan=plan, name="due", level=2, trigger="offset", offset_minutes=0,
                                  action="notify_manager")
    EscalationRule.objects.create(plan=plan, name="+4h", level=3, trigger="offset", offset_minutes=240,
                                  action="notify_leadership")
    EscalationRule.objects.create(plan=plan, target=targets[0], name="half", level=2, trigger="share",
                                  share=Decimal("0.5"), action="open_loaner")
    return plan, targets


def _ticket(opened: datetime, steps: list[tuple[int, str]], *, status: str = "new") -> Ticket:
    """A ticket and its log: created at `opened` in `status`, then (µs later, status) transitions."""
    ticket = Ticket.objects.create(title="recompute", status=status, severity=2)
    at, before = opened, ""

    def log(kind, to_status):
        TicketEvent.objects.create(ticket=ticket, kind=kind, from_status=before, to_status=to_status,
                                   data={"at": at.isoformat()})

    log(EventKind.CREATED, status)
    before = status
    for gap, to_status in steps:
        at = at + timedelta(microseconds=gap)
        log(EventKind.TRANSITION, to_status)
        before = to_status
    Ticket.objects.filter(pk=ticket.pk).update(status=before)
    return ticket


def _snapshot(tickets) -> dict[int, dict]:
    fields = ("id", "ticket_id", "target_id", "calendar_id", *STABLE, *AS_OF_NOW, "updated_at")
    return {row["id"]: row for row in Clock.objects.filter(ticket__in=tickets).values(*fields)}


def _edit(calendar, day: date, kind: str, hours: str = "") -> None:
    CalendarDay.objects.update_or_create(calendar=calendar, date=day, defaults={"kind": kind, "hours": hours})
    touch_calendar(calendar)


def _assert_bulk_equals_log(tickets, frozen, now, before, reason):
    """The stored clocks after the bulk path equal sync_clocks at `now`; timeline entries match."""
    bulk = _snapshot(tickets)
    bulk_next_due = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("pk", "next_due_at"))
    entries = {e.ticket_id: e for e in TicketEvent.objects.filter(ticket__in=tickets, kind=EventKind.CLOCKS)}
    frozen.set(now)
    for ticket in tickets:
        sync_clocks(ticket, now=now)
    exact = _snapshot(tickets)
    assert bulk_next_due == dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets])
                                 .values_list("pk", "next_due_at"))  # the lists' "next due" followed
    for pk, old in before.items():
        if old["calendar_id"] is None or old["state"] not in (ClockState.RUNNING, ClockState.PAUSED,
                                                              ClockState.BREACHED):
            continue  # wall-clock targets do not depend on the calendar; stopped clocks keep their verdict
        assert {f: bulk[pk][f] for f in STABLE} == {f: exact[pk][f] for f in STABLE}, pk
        if bulk[pk]["updated_at"] == now:  # rewritten: the as-of-now figures are fresh too
            assert {f: bulk[pk][f] for f in AS_OF_NOW} == {f: exact[pk][f] for f in AS_OF_NOW}, pk
        else:
            assert {f: bulk[pk][f] for f in STABLE} == {f: old[f] for f in STABLE}, pk
    for ticket in tickets:
        moved = sorted((old["target_id"], old["due_at"], exact[pk]["due_at"]) for pk, old in before.items()
                       if old["ticket_id"] == ticket.pk and old["calendar_id"] and old["due_at"] != exact[pk]["due_at"])
        entry = entries.get(ticket.pk)
        if not moved:
            assert entry is None
            continue
        assert entry.internal and entry.body == reason and entry.data["reason"] == reason
        assert [(c["before"], c["after"]) for c in entry.data["changes"]] == [
            (b.isoformat() if b else None, a.isoformat() if a else None) for _, b, a in moved]


# --------------------------------------------------------------------------- the property
pause_steps = st.lists(st.tuples(st.one_of(st.integers(1, 3 * 86400 * 10**6), st.sampled_from([3600 * 10**6])),
                                 st.sampled_from(["pending_customer", "accepted"])), max_size=5)
ticket_specs = st.tuples(st.integers(0, 14 * 86400 * 10**6), st.sampled_from(["new", "pending_customer"]),
                         pause_steps, st.booleans())


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(ticket_specs, min_size=1, max_size=5), day=st.integers(0, 20),
       kind=st.sampled_from(["holiday", "makeup", "half"]), later=st.integers(1, 2 * 86400 * 10**6),
       batch=st.integers(1, 3))
def test_bulk_recompute_equals_recomputing_each_clock_from_its_log(frozen, specs, day, kind, later, batch):
    """P13.2 / P5.6: paused time, working days, escalations and fired ones survive a calendar edit exactly."""
    with transaction.atomic():
        calendar = WorkingCalendar.objects.create(code="office", name="office", week=["09:00-12:00,13:00-18:00"] * 5
                                                  + ["", ""])
        _edit(calendar, date(2026, 4, 6), DayKind.HOLIDAY)
        _plan(calendar)
        tickets, fires, last = [], [], BASE
        for offset, status, steps, fire in specs:
            opened = BASE + timedelta(microseconds=offset)
            if offset % 3 == 0:  # received on the hour: due times land on interval ends
                opened = opened.replace(minute=0, second=0, microsecond=0)
            ticket = _ticket(opened, steps, status=status)
            tickets.append(ticket)
            fires.append(fire)
            last = max(last, opened + timedelta(microseconds=sum(g for g, _ in steps)))
        synced_at = frozen.set(last + timedelta(minutes=1))
        for ticket, fire in zip(tickets, fires, strict=True):
            sync_clocks(ticket, now=synced_at)
            if fire:  # the 75 % warning already fired on the first clock
                clock = Clock.objects.filter(ticket=ticket).order_by("target_id").first()
                if clock:
                    rule = EscalationRule.objects.get(name="75%")
                    FiredEscalation.objects.create(key=f"{ticket.pk}:{clock.target_id}:{rule.pk}", ticket=ticket,
                                                   clock=clock, rule=rule, action=rule.action,
                                                   scheduled_for=synced_at, fired_at=synced_at)
                    sync_clocks(ticket, now=synced_at)
        before = _snapshot(tickets)
        edited = date(2026, 3, 30) + timedelta(days=day)
        if kind == "half":
            _edit(calendar, edited, DayKind.HOLIDAY, "09:00-12:00")
        else:
            _edit(calendar, edited, kind)
        now = synced_at + timedelta(microseconds=later)
        frozen.set(now)
        counts = recompute_calendar_clocks(calendar, reason="节假日调整", now=now, batch_size=batch)
        assert counts["slow_tickets"] == 0
        _assert_bulk_equals_log(tickets, frozen, now, before, "节假日调整")
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- named cases
@pytest.fixture
def office(db):
    calendar = WorkingCalendar.objects.create(code="office", name="office", week=["09:00-12:00,13:00-18:00"] * 5
                                              + ["", ""])
    _plan(calendar)
    return calendar


def test_a_holiday_moves_due_times_and_each_ticket_gets_one_timeline_entry_with_the_reason(world, office, frozen):
    """Given two tickets received Friday evening (8 working hours → Monday 18:00), when Monday
    becomes a holiday, then the resolution is due Tuesday 18:00 and each ticket has one entry."""
    Target.objects.filter(kind="follow_up").update(amount=100)  # wall-clock, due after the working ones
    tickets = [_ticket(sh(2026, 4, 3, 20, 0), []), _ticket(sh(2026, 4, 3, 21, 30), [])]
    frozen.set(sh(2026, 4, 3, 22, 0))
    for ticket in tickets:
        sync_clocks(ticket)
    resolution = Clock.objects.get(ticket=tickets[0], kind="resolution")
    assert resolution.due_at == sh(2026, 4, 6, 18, 0)
    _edit(office, date(2026, 4, 6), DayKind.HOLIDAY)
    counts = recompute_calendar_clocks(office, reason="清明节", actor=world.admin)
    resolution.refresh_from_db()
    assert resolution.due_at == sh(2026, 4, 7, 18, 0)
    tickets[0].refresh_from_db()  # the list's "next due" follows: the 45-minute arrival, now Tue 09:45
    assert tickets[0].next_due_at == sh(2026, 4, 7, 9, 45)
    assert counts["recorded"] == 2 and counts["slow_tickets"] == 0
    for ticket in tickets:
        (entry,) = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CLOCKS)
        assert entry.actor == world.admin and entry.internal and entry.body == "清明节"
        names = [c["clock"] for c in entry.data["changes"]]
        assert "resolution 8 working_hours" in names and not any(n.startswith("follow_up") for n in names)


def test_recompute_is_idempotent(office, frozen):
    """Running it again after the edit writes and records nothing (a crashed run can be resumed)."""
    ticket = _ticket(sh(2026, 4, 1, 10, 0), [(3600 * 10**6, "pending_customer"), (7200 * 10**6, "accepted")])
    frozen.set(sh(2026, 4, 1, 14, 0))
    sync_clocks(ticket)
    _edit(office, date(2026, 4, 2), DayKind.HOLIDAY)
    first = recompute_calendar_clocks(office, reason="edit")
    second = recompute_calendar_clocks(office, reason="edit")
    assert first["changed"] > 0 and first["recorded"] == 1
    assert second["changed"] == 0 and second["recorded"] == 0
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CLOCKS).count() == 1


def test_paused_time_is_kept_when_a_calendar_edit_recomputes_the_clock(office, frozen):
    """Received Wed 10:00, paused 11:00–15:00 (pending customer): 1 h used; 7 h left from 15:00
    → Thu 14:00.  Thursday becomes a holiday → Fri 14:00; the pause still counts."""
    ticket = _ticket(sh(2026, 4, 1, 10, 0), [(3600 * 10**6, "pending_customer"), (4 * 3600 * 10**6, "accepted")])
    frozen.set(sh(2026, 4, 1, 16, 0))
    sync_clocks(ticket)
    clock = Clock.objects.get(ticket=ticket, kind="resolution")
    assert clock.due_at == sh(2026, 4, 2, 14, 0) and clock.consumed_seconds == 3600
    _edit(office, date(2026, 4, 2), DayKind.HOLIDAY)
    recompute_calendar_clocks(office, reason="edit")
    clock.refresh_from_db()
    assert clock.due_at == sh(2026, 4, 3, 14, 0)
    assert clock.consumed_seconds == 3600 and clock.paused_seconds == 4 * 3600


def test_a_clock_in_the_past_becomes_breached_when_a_makeup_day_is_removed(office, frozen):
    """Given a running clock due on a make-up Saturday, when that Saturday stops being a working
    day, then the due time moves to Monday; a due time moved before now turns the clock breached."""
    _edit(office, date(2026, 4, 11), DayKind.MAKEUP)
    ticket = _ticket(sh(2026, 4, 10, 17, 30), [])
    frozen.set(sh(2026, 4, 10, 17, 40))
    sync_clocks(ticket)
    arrival = Clock.objects.get(ticket=ticket, kind="arrival")  # 45 working minutes: 30 on Friday, Sat 09:15
    assert arrival.due_at == sh(2026, 4, 11, 9, 15)
    CalendarDay.objects.filter(calendar=office, date=date(2026, 4, 11)).delete()
    touch_calendar(office)
    recompute_calendar_clocks(office, reason="调休取消", now=sh(2026, 4, 13, 10, 0))
    arrival.refresh_from_db()
    assert arrival.due_at == sh(2026, 4, 13, 9, 15)
    assert arrival.state == ClockState.BREACHED and arrival.late_seconds == 45 * 60


def test_a_clock_whose_stored_intervals_disagree_with_its_state_is_recomputed_from_the_log(office, frozen):
    ticket = _ticket(sh(2026, 4, 1, 10, 0), [])
    frozen.set(sh(2026, 4, 1, 11, 0))
    sync_clocks(ticket)
    Clock.objects.filter(ticket=ticket, kind="resolution").update(resumed_at=sh(2026, 4, 1, 10, 30))
    _edit(office, date(2026, 4, 2), DayKind.HOLIDAY)
    counts = recompute_calendar_clocks(office, reason="edit")
    assert counts["slow_tickets"] == 1
    clock = Clock.objects.get(ticket=ticket, kind="resolution")
    assert clock.resumed_at == sh(2026, 4, 1, 10, 0) and clock.due_at == sh(2026, 4, 3, 10, 0)


def test_recompute_queries_do_not_grow_with_the_number_of_tickets(office, frozen, django_assert_max_num_queries):
    """No per-ticket path: one chunk of 30 tickets costs the same handful of queries as one."""
    tickets = [_ticket(sh(2026, 4, 1, 8, 0) + timedelta(minutes=7 * i), [(3600 * 10**6, "pending_customer")]
                       if i % 3 == 0 else []) for i in range(30)]
    frozen.set(sh(2026, 4, 1, 12, 0))
    for ticket in tickets:
        sync_clocks(ticket)
    _edit(office, date(2026, 4, 2), DayKind.HOLIDAY)
    with django_assert_max_num_queries(16):
        counts = recompute_calendar_clocks(office, reason="edit", batch_size=100)
    # Three working clocks each (two more start at "accepted"); the ten paused tickets have no due
    # time to move (a paused clock cannot fall due).
    assert counts["checked"] == 30 * 3 and counts["recorded"] == 20 and counts["slow_tickets"] == 0


def test_stopped_clocks_keep_their_verdict(office, frozen):
    ticket = _ticket(sh(2026, 4, 1, 10, 0), [(3600 * 10**6, "resolved")])
    frozen.set(sh(2026, 4, 1, 12, 0))
    sync_clocks(ticket)
    before = {c.pk: (c.due_at, c.state) for c in Clock.objects.filter(ticket=ticket)}
    _edit(office, date(2026, 4, 1), DayKind.HOLIDAY)
    counts = recompute_calendar_clocks(office, reason="edit")
    assert counts["checked"] == 0
    assert {c.pk: (c.due_at, c.state) for c in Clock.objects.filter(ticket=ticket)} == before

