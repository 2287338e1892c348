"""`manage.py bench_clocks` (and `shouhou bench clocks`): the breach query and a full recompute (issue 3).

Loads N open tickets on the mainland-China 5×8 calendar, each with an 8-working-hour resolution
clock and a 4-hour arrival clock received within the last two days; one in ten paused for a while
(waiting for the customer) and back, one in twenty still paused.  Then measures:

* `breach_query_ms`: "what breaches in the next 15 minutes" — running clocks due within 15 minutes
  (overdue ones included), earliest first, first 500 rows: the (state, due_at) index query of the
  scan and the /sla/due/ page (median; p95 beside it);
* `recompute_s`: a holiday added on the next working day, inside most clocks' span, then every
  open clock on that calendar recomputed (recompute_calendar_clocks: exact vectorised due times,
  UPDATE … FROM unnest per chunk, one timeline entry per changed ticket by COPY, next_due_at).

On PostgreSQL the rows are loaded with INSERT … SELECT generate_series and COPY (a million tickets
in well under a minute); elsewhere with bulk_create.  The benchmark rows are deleted afterwards
unless --keep.  Figures: one JSON object on the last line.
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

from shouhou.core import evidence
from shouhou.sla.choices import ClockState, DayKind
from shouhou.sla.models import CalendarDay, Clock, ServicePlan, Target, WorkingCalendar
from shouhou.sla.services import recompute_calendar_clocks, seed_calendars
from shouhou.sla.services.calendars import touch_calendar
from shouhou.sla.services.clocks import calendar_value
from shouhou.sla.services.recompute import NONE, _Worked
from shouhou.tickets.models import Ticket, TicketEvent

TITLE = "bench-clocks"
_US = 1_000_000
_FIX_US, _ARRIVE_US = 8 * 3600 * _US, 4 * 3600 * _US


def add_arguments(parser) -> None:
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark rows")
    parser.add_argument("--edit", choices=["next", "all"], default="next",
                        help="holiday on the next working day (default), or on every working day from the first "
                             "receipt to the next working day (every working clock moves: the worst case)")


def run(options: dict, say=print) -> dict:
    """Load, measure, clean up; returns the figures."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)  # a fresh database works as it is (issue 9)
    n = options["tickets"]
    seed_calendars()
    calendar = WorkingCalendar.objects.get(code="cn-5x8")
    plan, fix, arrive = _plan(calendar)
    now = timezone.now()
    began = time.perf_counter()
    with transaction.atomic():
        _load(n, calendar, fix, arrive, now)
    load_s = time.perf_counter() - began
    say(f"loaded {n} tickets in {load_s:.1f}s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sla_clock")
            cursor.execute("ANALYZE tickets_ticket")
    timings, rows = _breach_query(options["repeat"])
    days = _edited_days(calendar, options.get("edit", "next"))
    existing = set(CalendarDay.objects.filter(calendar=calendar, date__in=days).values_list("date", flat=True))
    for day in days:
        CalendarDay.objects.update_or_create(calendar=calendar, date=day,
                                             defaults={"kind": DayKind.HOLIDAY, "name": "bench", "source": "bench"})
    touch_calendar(calendar)
    t0 = time.perf_counter()
    result = recompute_calendar_clocks(calendar, reason="bench: holiday added")
    recompute_s = time.perf_counter() - t0
    say(f"recomputed {result['checked']} clocks in {recompute_s:.1f}s: {result}")
    CalendarDay.objects.filter(calendar=calendar, date__in=set(days) - existing, source="bench").delete()
    touch_calendar(calendar)
    if not options["keep"]:
        _cleanup(plan)
    return {
        "open_tickets": n, "open_clocks": 2 * n, "breach_query_ms": round(statistics.median(timings), 2),
        "breach_query_p95_ms": round(sorted(timings)[max(0, int(len(timings) * 0.95) - 1)], 2),
        "breach_rows": rows, "recompute_s": round(recompute_s, 2),
        "recompute_checked": result["checked"], "recompute_changed": result["changed"],
        "recompute_recorded": result["recorded"], "recompute_slow_tickets": result["slow_tickets"],
        "recompute_next_due_refreshed": result["next_due_refreshed"], "recompute_stage_s": result["seconds"],
        "holidays_added": len(days), "load_s": round(load_s, 1), "db": connection.vendor,
    }


class Command(BaseCommand):
    help = "Benchmark the breach query and a full clock recompute after a calendar edit (JSON on the last line)."

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        figures = run(options, self.stderr.write)
        self.stdout.write(json.dumps(figures))


def _breach_query(repeat: int) -> tuple[list[float], int]:
    timings, rows = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        soon = timezone.now() + timedelta(minutes=15)
        rows = list(Clock.objects.filter(state=ClockState.RUNNING, due_at__lte=soon).order_by("due_at")
                    .values_list("id", "ticket_id", "due_at")[:500])
        timings.append((time.perf_counter() - t0) * 1000)
    return timings, len(rows)


def _edited_days(calendar, edit: str) -> list:
    """The dates the bench turns into holidays: working days only, so every one is a real edit."""
    cal = calendar_value(calendar)
    day = timezone.localdate() + timedelta(days=1)
    while not cal.day_pattern(day):
        day += timedelta(days=1)
    if edit == "next":
        return [day]
    first = timezone.localdate() - timedelta(days=2)
    return [first + timedelta(days=i) for i in range((day - first).days + 1) if cal.day_pattern(first + timedelta(days=i))]


def _plan(calendar):
    plan = ServicePlan.objects.create(name=TITLE, calendar=calendar, pause_statuses=["pending_customer"])
    fix = Target.objects.create(plan=plan, kind="resolution", name="8 工作小时解决", amount=8,
                                unit="working_hours", stop_event="resolved")
    arrive = Target.objects.create(plan=plan, kind="arrival", name="4 小时到场", amount=4, unit="hours",
                                   stop_event="arrived")
    return plan, fix, arrive


def _clock_columns(n: int, calendar, now: datetime, rng) -> dict[str, np.ndarray]:
    """Both clocks of every ticket as int64 µs columns, exactly as sync_clocks would store them.

    Kinds by position: 0 = never paused, 1 = paused 30–300 min ten minutes after receipt and
    resumed, 2 = paused ten minutes after receipt and still paused.
    """
    now_us = (now - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    kind = np.where(np.arange(n) % 20 == 0, 2, np.where(np.arange(n) % 10 == 5, 1, 0))
    start = now_us - rng.integers(0, 2 * 86400 * _US, n)
    start = np.where(kind == 0, start, np.minimum(start, now_us - 6 * 3600 * _US))  # pauses lie in the past
    p_start = start + 600 * _US
    p_end = np.where(kind == 1, p_start + rng.integers(30, 300, n) * 60 * _US, NONE)
    wk = _Worked(calendar_value(calendar), int(start.min()), now_us)
    w_start, w_pause = wk.worked(start), wk.worked(p_start)
    consumed = np.where(kind == 0, 0, w_pause - w_start)
    resumed = np.where(kind == 0, start, np.where(kind == 1, p_end, NONE))
    fix_due = np.where(kind == 2, NONE, wk.earliest(wk.worked(np.where(kind == 2, start, resumed))
                                                     + _FIX_US - consumed))
    arrive_due = np.where(kind == 0, start + _ARRIVE_US,
                          np.where(kind == 1, p_end + _ARRIVE_US - 600 * _US, NONE))
    return {"start": start, "kind": kind, "p_start": p_start, "p_end": p_end, "resumed": resumed,
            "consumed": consumed, "fix_due": fix_due, "arrive_due": arrive_due, "now": np.int64(now_us)}


def _iso(values: np.ndarray) -> list[str | None]:
    text = np.datetime_as_string(values.astype("datetime64[us]"), unit="us").tolist()
    return [None if v == NONE else t + "+00:00" for v, t in zip(values.tolist(), text, strict=True)]


def _load(n, calendar, fix, arrive, now, batch=100_000):
    rng = np.random.default_rng(20261001)
    for offset in range(0, n, batch):
        size = min(batch, n - offset)
        cols = _clock_columns(size, calendar, now, rng)
        next_due = np.where(cols["kind"] == 2, NONE, np.minimum(cols["fix_due"], cols["arrive_due"]))
        ticket_ids = _insert_tickets(size, cols["kind"], next_due)
        rows = _clock_rows(ticket_ids, cols, calendar, fix, arrive, now)
        if connection.vendor == "postgresql":
            fields = ["ticket_id", "target_id", "kind", "name", "unit", "calendar_id", "state", "started_at",
                      "due_at", "resumed_at", "budget_seconds", "consumed_seconds", "used_seconds",
                      "paused_seconds", "pauses", "updated_at"]
            with connection.cursor() as cursor, cursor.cursor.copy(
                    f"COPY sla_clock ({', '.join(fields)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            Clock.objects.bulk_create([Clock(ticket_id=r[0], target_id=r[1], kind=r[2], name=r[3], unit=r[4],
                                             calendar_id=r[5], state=r[6], started_at=r[7], due_at=r[8],
                                             resumed_at=r[9], budget_seconds=r[10], consumed_seconds=r[11],
                                             used_seconds=r[12], paused_seconds=r[13], pauses=json.loads(r[14]))
                                       for r in rows], batch_size=2000)


def _insert_tickets(size: int, kind: np.ndarray, next_due: np.ndarray) -> list[int]:
    """`size` open tickets; those of pause kind 2 wait for the customer; next_due_at as
    refresh_next_due keeps it.  Ids in load order."""
    status = ["pending_customer" if k == 2 else "accepted" for k in kind.tolist()]
    due = _iso(next_due)
    if connection.vendor != "postgresql":
        tickets = Ticket.objects.bulk_create(
            [Ticket(title=TITLE, status=s, severity=2, next_due_at=d and datetime.fromisoformat(d))
             for s, d in zip(status, due, strict=True)], batch_size=2000)
        return [t.pk for t in tickets]
    template = Ticket(title=TITLE, status="accepted", severity=2)
    columns, values = [], []
    for f in Ticket._meta.concrete_fields:
        if not f.primary_key:
            columns.append(f.column)
            values.append(f.get_db_prep_save(f.pre_save(template, add=True), connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('tickets_ticket', 'id')) FROM generate_series(1, %s)",
                       [size])
        ids = [row[0] for row in cursor.fetchall()]
        per_row = {"status": "v.status", "next_due_at": "v.next_due"}
        select = ", ".join(per_row.get(c, "%s") for c in columns)
        cursor.execute(
            f"INSERT INTO tickets_ticket (id, {', '.join(columns)}) SELECT v.id, {select} "  # noqa: S608 - our columns
            "FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS v(id, status, next_due)",
            [*(v for c, v in zip(columns, values, strict=True) if c not in per_row), ids, status, due])
    return ids


def _clock_rows(ticket_ids, cols, calendar, fix, arrive, now):
    started, fix_due, arrive_due = _iso(cols["start"]), _iso(cols["fix_due"]), _iso(cols["arrive_due"])
    resumed, p_start, p_end = _iso(cols["resumed"]), _iso(cols["p_start"]), _iso(cols["p_end"])
    now_us = int(cols["now"])
    for i, ticket_id in enumerate(ticket_ids):
        kind = int(cols["kind"][i])
        pauses = "[]" if kind == 0 else json.dumps([[p_start[i], p_end[i]]])
        paused_s = 0.0 if kind == 0 else ((int(cols["p_end"][i]) if kind == 1 else now_us)
                                          - int(cols["p_start"][i])) / _US
        state = "paused" if kind == 2 else "running"
        fix_state = ClockState.BREACHED if kind != 2 and int(cols["fix_due"][i]) <= now_us else state
        arrive_state = ClockState.BREACHED if kind != 2 and int(cols["arrive_due"][i]) <= now_us else state
        consumed = int(cols["consumed"][i]) / _US
        yield (ticket_id, fix.pk, "resolution", fix.name, fix.unit, calendar.pk, fix_state, started[i], fix_due[i],
               resumed[i], 8 * 3600.0, consumed, consumed, paused_s, pauses, now)
        wall = 0.0 if kind == 0 else 600.0
        yield (ticket_id, arrive.pk, "arrival", arrive.name, arrive.unit, None, arrive_state, started[i],
               arrive_due[i], resumed[i], 4 * 3600.0, wall, wall, paused_s, pauses, now)


def _cleanup(plan):
    """Delete every benchmark row (also those a run with --keep left)."""
    if connection.vendor == "postgresql":  # the ORM would collect a million rows in memory first
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_ids (id bigint PRIMARY KEY) ON COMMIT DROP")
            cursor.execute("INSERT INTO bench_ids SELECT id FROM tickets_ticket WHERE title = %s", [TITLE])
            cursor.execute("DELETE FROM tickets_ticketevent e USING bench_ids b WHERE e.ticket_id = b.id")
            cursor.execute("DELETE FROM sla_clock c USING bench_ids b WHERE c.ticket_id = b.id")
            cursor.execute("DELETE FROM tickets_ticket t USING bench_ids b WHERE t.id = b.id")
    else:
        # Only the synthetic rows this benchmark inserted (its own title): a documented purge.
        with evidence.purge("benchmark cleanup"):
            ids = Ticket.objects.filter(title=TITLE).values_list("pk", flat=True)
            Clock.objects.filter(ticket_id__in=ids).delete()
            TicketEvent.objects.filter(ticket_id__in=ids).delete()
            Ticket.objects.filter(title=TITLE).delete()
    plan.delete()
