"""`bench_clocks` and the bulk write path (issue 3 benchmark): figures as one JSON line, rows cleaned up,
timeline text stored verbatim through COPY on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from shouhou.sla.choices import DayKind
from shouhou.sla.models import CalendarDay, ServicePlan, WorkingCalendar
from shouhou.sla.services import clocks, recompute_calendar_clocks, sync_clocks
from shouhou.sla.services.calendars import touch_calendar
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Ticket, TicketEvent

from .conftest import sh
from .test_recompute import _plan, _ticket


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clocks._CAL_CACHE.clear()


@pytest.mark.parametrize("edit", ["next", "all"])
def test_bench_clocks_prints_its_figures_as_one_json_object_on_the_last_line(db, capsys, edit):
    """Given a database with the seeded calendars, when the benchmark runs, then its last line is
    the issue's JSON object, every loaded clock was recomputed by the bulk path, and no benchmark
    row or holiday is left behind."""
    days_before = CalendarDay.objects.count()
    call_command("bench_clocks", tickets=120, repeat=3, edit=edit)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"open_tickets", "breach_query_ms", "recompute_s", "db"} <= set(figures)
    assert figures["open_tickets"] == 120 and figures["recompute_checked"] == 120
    assert figures["recompute_slow_tickets"] == 0 and figures["breach_query_ms"] > 0
    if edit == "all":  # every working day of the clocks' span became a holiday: every due time moved
        assert figures["recompute_changed"] >= 0.9 * 120 * 0.95
    assert not Ticket.objects.filter(title="bench-clocks").exists()
    assert not ServicePlan.objects.filter(name="bench-clocks").exists()
    assert CalendarDay.objects.count() == days_before


def test_timeline_text_with_tabs_newlines_and_backslashes_is_stored_verbatim(db, frozen):
    calendar = WorkingCalendar.objects.create(code="office", name="office", week=["09:00-12:00,13:00-18:00"] * 5
                                              + ["", ""])
    _plan(calendar)
    ticket = _ticket(sh(2026, 4, 1, 10, 0), [])
    frozen.set(sh(2026, 4, 1, 11, 0))
    sync_clocks(ticket)
    CalendarDay.objects.create(calendar=calendar, date=date(2026, 4, 2), kind=DayKind.HOLIDAY)
    touch_calendar(calendar)
    reason = '停电\t"第二行"\n\\N 结束'
    recompute_calendar_clocks(calendar, reason=reason)
    entry = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CLOCKS)
    assert entry.body == reason and entry.data["reason"] == reason and entry.actor is None
    # The 45-minute arrival fell due at 10:45, before the holiday: only the later clocks moved.
    assert {c["clock"] for c in entry.data["changes"]} == {"resolution 8 working_hours", "report 3 working_days"}
