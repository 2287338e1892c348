"""`shouhou bench clocks`: the breach query and a full recompute after a calendar edit (issue 3).

Loads N open tickets, each with a running 8-working-hour resolution clock on the mainland-China
5×8 calendar and a 4-hour arrival clock, then measures:

* `breach_query_ms`: "what breaches in the next 15 minutes" — the (state, due_at) index query the
  scan and the /sla/due/ page run (p50 and p95 over repeated runs, first 500 rows);
* `recompute_s`: after a holiday is added inside the clocks' span, recompute every open clock
  on that calendar (recompute_calendar_clocks: vectorised due times + bulk update + one timeline
  entry per changed ticket).

The benchmark rows are deleted afterwards (unless --keep).  Figures: one JSON object on the last line.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime, timedelta

import numpy as np
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from shouhou.sla.choices import ClockState, DayKind
from shouhou.sla.models import CalendarDay, Clock, ServicePlan, Target, WorkingCalendar
from shouhou.sla.services import recompute_calendar_clocks, seed_calendars
from shouhou.sla.services.calendars import touch_calendar
from shouhou.sla.services.clocks import calendar_value
from shouhou.sla.worktime import add_working_batch
from shouhou.tickets.models import Ticket, TicketEvent

TITLE = "bench-clocks"


class Command(BaseCommand):
    help = "Benchmark the breach query and a full clock recompute after a calendar edit (JSON on the last line)."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=50)
        parser.add_argument("--keep", action="store_true", help="keep the benchmark rows")

    def handle(self, *args, **options):
        n = options["tickets"]
        seed_calendars()
        calendar = WorkingCalendar.objects.get(code="cn-5x8")
        plan, fix, arrive = self._plan(calendar)
        now = timezone.now()
        began = time.perf_counter()
        self._load(n, calendar, fix, arrive, now)
        load_s = time.perf_counter() - began
        self.stdout.write(f"loaded {n} tickets in {load_s:.1f}s")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE sla_clock")
        timings = []
        for _ in range(options["repeat"]):
            t0 = time.perf_counter()
            soon = timezone.now() + timedelta(minutes=15)
            rows = list(Clock.objects.filter(state=ClockState.RUNNING, due_at__lte=soon).order_by("due_at")
                        .values_list("id", "ticket_id", "due_at")[:500])
            timings.append((time.perf_counter() - t0) * 1000)
        # The edit: a new holiday on the first working day after today, inside most clocks' span.
        day = timezone.localdate() + timedelta(days=1)
        cal = calendar_value(calendar)
        while not cal.day_pattern(day):
            day += timedelta(days=1)
        existing = CalendarDay.objects.filter(calendar=calendar, date=day).first()
        CalendarDay.objects.update_or_create(calendar=calendar, date=day,
                                             defaults={"kind": DayKind.HOLIDAY, "name": "bench", "source": "bench"})
        touch_calendar(calendar)
        t0 = time.perf_counter()
        result = recompute_calendar_clocks(calendar, reason="bench: holiday added")
        recompute_s = time.perf_counter() - t0
        if existing is None:
            CalendarDay.objects.filter(calendar=calendar, date=day, source="bench").delete()
        touch_calendar(calendar)
        if not options["keep"]:
            self._cleanup(plan)
        figures = {
            "open_tickets": n, "open_clocks": 2 * n, "breach_query_ms": round(statistics.median(timings), 2),
            "breach_query_p95_ms": round(sorted(timings)[int(len(timings) * 0.95) - 1], 2),
            "breach_rows": len(rows), "recompute_s": round(recompute_s, 2),
            "recompute_checked": result["checked"], "recompute_changed": result["changed"],
            "load_s": round(load_s, 1), "db": connection.vendor,
        }
        self.stdout.write(json.dumps(figures))

    def _plan(self, calendar):
        plan = ServicePlan.objects.create(name=TITLE, calendar=calendar, pause_statuses=["pending_customer"])
        fix = Target.objects.create(plan=plan, kind="resolution", name="8 工作小时解决", amount=8,
                                    unit="working_hours", stop_event="resolved")
        arrive = Target.objects.create(plan=plan, kind="arrival", name="4 小时到场", amount=4, unit="hours",
                                       stop_event="arrived")
        return plan, fix, arrive

    def _load(self, n, calendar, fix, arrive, now, batch=10_000):
        rng = np.random.default_rng(20261001)
        cal = calendar_value(calendar)
        for offset in range(0, n, batch):
            size = min(batch, n - offset)
            with transaction.atomic():
                tickets = Ticket.objects.bulk_create(
                    [Ticket(title=TITLE, status="accepted", severity=2) for _ in range(size)], batch_size=2000)
                starts = now.timestamp() - rng.uniform(0, 2 * 86400, size)
                dues = add_working_batch(cal, starts, np.full(size, 8 * 3600.0))
                clocks = []
                for ticket, start, due in zip(tickets, starts, dues, strict=True):
                    started = datetime.fromtimestamp(float(start), UTC)
                    common = {"ticket_id": ticket.pk, "state": ClockState.RUNNING, "started_at": started,
                              "resumed_at": started}
                    clocks.append(Clock(target=fix, kind="resolution", name=fix.name, unit=fix.unit,
                                        calendar=calendar, due_at=datetime.fromtimestamp(float(due), UTC),
                                        budget_seconds=8 * 3600, **common))
                    clocks.append(Clock(target=arrive, kind="arrival", name=arrive.name, unit=arrive.unit,
                                        due_at=started + timedelta(hours=4), budget_seconds=4 * 3600, **common))
                Clock.objects.bulk_create(clocks, batch_size=5000)

    def _cleanup(self, plan):
        ids = Ticket.objects.filter(title=TITLE).values_list("pk", flat=True)
        Clock.objects.filter(target__plan=plan).delete()
        TicketEvent.objects.filter(ticket_id__in=ids).delete()
        Ticket.objects.filter(title=TITLE).delete()
        plan.delete()
