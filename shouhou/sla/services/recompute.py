"""Recompute every open clock on a working calendar after the calendar was edited — in bulk (issue 3).

Contract: after `recompute_calendar_clocks(calendar, …)` every open clock counted on `calendar`
(running, paused, or breached and not stopped) holds exactly what `sync_clocks` would store for
it at the same instant `now` — due time, state, budget, working time consumed, next escalation —
and each ticket whose due times changed has one timeline entry (EventKind.CLOCKS, internal) with
the reason and every changed clock's before/after, in the format `sync_clocks` writes.  Stopped
clocks keep their verdict: they are the record of what happened.

How (issue 3 benchmark: 1,000,000 open tickets in under 60 s on PostgreSQL):

* Tickets are taken in chunks in ticket-id order; each chunk is one transaction that first locks
  its tickets (the lock every ticket service takes, in a fixed order) and only then reads their
  clocks, so a concurrent status change can neither be overwritten nor see a half-done chunk.
  A crash leaves whole chunks done; running again finishes the rest (unchanged clocks are not
  written and not recorded again).
* A clock's running stretches are its start minus its paused intervals (both stored, both derived
  from the log by evaluate.py).  The due time is where the stretches use up the budget, measured
  on the calendar's cumulative working-time index — the scalar path's own index (worktime), searched
  for a whole chunk at once with numpy in integer microseconds, so results equal the scalar
  add_duration / working_time_between exactly.  (worktime.add_working_batch works in float64
  seconds; a due time landing exactly on the end of a working interval can come out as the start
  of the next one.)  Share escalations walk the same stretches; offsets add to the due time.
* Writes: PostgreSQL gets one `UPDATE … FROM unnest(arrays)` per chunk and the timeline entries by
  COPY; other databases use bulk_update / bulk_create.  Clocks whose stored intervals do not fit
  their state (never expected) fall back to the per-ticket `sync_clocks`.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Ticket, TicketEvent

from .. import units
from .. import worktime as wt
from ..choices import ClockState, Trigger, Unit
from ..models import Clock, EscalationRule, FiredEscalation, Target, WorkingCalendar
from .clocks import calendar_value, fire_key, sync_clocks
from .next_due import refresh_next_due

OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED, ClockState.BREACHED)
NONE = np.iinfo(np.int64).min  # "no instant" in the int64 microsecond arrays
_FAR = np.iinfo(np.int64).max // 4  # length of a stretch that is still running
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = 1_000_000
_UNIT_US = {Unit.WORKING_MINUTES: 60 * _US, Unit.WORKING_HOURS: 3600 * _US}
CHUNK = {"postgresql": 25_000}  # tickets per chunk; SQLite limits the parameters of one query
DEFAULT_CHUNK = 400


def _us(value: datetime | None) -> int | None:
    return None if value is None else (value - _EPOCH) // timedelta(microseconds=1)


def _dt(us: int) -> datetime | None:
    return None if us == NONE else _EPOCH + timedelta(microseconds=int(us))


class _Worked:
    """Exact vectorised working time on one calendar, in int64 microseconds since the epoch.

    `worked(t)` and `earliest(w)` are worktime's `_Index.worked` / `_Index.earliest` element-wise
    (same index, same searches), so `earliest(worked(a) + d)` is `add_duration(a, d)` and
    `worked(b) - worked(a)` is `working_time_between(a, b)` to the microsecond.
    """

    def __init__(self, cal: wt.WorkCalendar, lo_us: int, hi_us: int):
        self.cal = cal
        self._use(wt._index_for(cal, lo_us, hi_us))

    def _use(self, index) -> None:
        self.index, self.total = index, index.total
        # A zero-length sentinel stretch at the window start makes every search index valid.
        self.starts = np.array([index.lo, *index.starts], np.int64)
        self.ends = np.array([index.lo, *index.ends], np.int64)
        self.cum = np.array([0, *index.cum], np.int64)
        self.cum_end = np.array([0, *index.cum_end], np.int64)

    def worked(self, t: np.ndarray) -> np.ndarray:
        """Working time in [window start, t) for instants inside the window."""
        k = np.searchsorted(self.starts, t, side="right") - 1
        return self.cum[k] + np.minimum(t, self.ends[k]) - self.starts[k]

    def earliest(self, w: np.ndarray) -> np.ndarray:
        """The earliest instant with `worked == w` (w > 0); grows the window forward if needed."""
        while w.size and int(w.max()) > self.total:
            grown = wt._grow(self.cal, self.index, int(w.max()) - self.total, forward=True)
            if grown.lo != self.index.lo:  # forward growth keeps the start; worked() values stay valid
                raise RuntimeError("working-time index moved its start while growing forward")
            self._use(grown)
        k = np.searchsorted(self.cum_end, w, side="left")
        return self.starts[k] + w - self.cum[k]


@dataclass
class _Chunk:
    """The open clocks of one chunk of tickets as columns (instants in int64 microseconds)."""

    ids: list[int] = field(default_factory=list)
    tickets: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    started: list[int] = field(default_factory=list)
    resumed: list[int] = field(default_factory=list)
    due: list[int] = field(default_factory=list)
    nxt: list[int] = field(default_factory=list)
    budget_s: list[float] = field(default_factory=list)
    consumed_s: list[float] = field(default_factory=list)
    pauses: dict[int, list] = field(default_factory=dict)  # row index → [[start_us, end_us|None], …]
    next_due: dict[int, int] = field(default_factory=dict)  # ticket → its stored next_due_at (NONE: none)

    def add(self, pk, ticket, target, name, state, started, resumed, due, nxt, budget, consumed, pauses):
        if pauses:
            self.pauses[len(self.ids)] = pauses
        self.ids.append(pk)
        self.tickets.append(ticket)
        self.targets.append(target)
        self.names.append(name)
        self.states.append(state)
        self.started.append(started)
        self.resumed.append(NONE if resumed is None else resumed)
        self.due.append(NONE if due is None else due)
        self.nxt.append(NONE if nxt is None else nxt)
        self.budget_s.append(budget)
        self.consumed_s.append(consumed)


@dataclass
class _Result:
    """New values of the chunk's clocks; `write` marks the rows that changed; `slow` the tickets
    that go through sync_clocks instead."""

    due: np.ndarray
    state: list[str]
    budget: np.ndarray
    consumed: np.ndarray
    used: np.ndarray
    late: list[float | None]
    paused: list[float]
    nxt: np.ndarray
    write: np.ndarray
    slow: set[int]


def _parse_pauses(raw) -> list | None:
    items = json.loads(raw) if isinstance(raw, str) else raw
    if not items:
        return None
    out = []
    for start, end in items:
        out.append([_us(parse_datetime(start)), None if end is None else _us(parse_datetime(end))])
    return out


# --------------------------------------------------------------------------- reading
def _chunk_ticket_ids(calendar_id: int, after: int, size: int) -> list[int]:
    return list(Clock.objects.filter(calendar_id=calendar_id, state__in=OPEN_STATES, stopped_at__isnull=True,
                                     ticket_id__gt=after)
                .order_by("ticket_id").values_list("ticket_id", flat=True).distinct()[:size])


_PG_READ = """
SELECT c.id, c.ticket_id, c.target_id, c.name, c.state,
       (extract(epoch FROM c.started_at) * 1000000)::bigint,
       (extract(epoch FROM c.resumed_at) * 1000000)::bigint,
       (extract(epoch FROM c.due_at) * 1000000)::bigint,
       (extract(epoch FROM c.next_escalation_at) * 1000000)::bigint,
       c.budget_seconds, c.consumed_seconds,
       CASE WHEN c.pauses = '[]'::jsonb THEN NULL ELSE c.pauses::text END
FROM sla_clock c
WHERE c.ticket_id = ANY(%s) AND c.calendar_id = %s AND c.state = ANY(%s) AND c.stopped_at IS NULL
ORDER BY c.ticket_id, c.target_id
"""


def _lock_and_read(calendar_id: int, ticket_ids: list[int]) -> _Chunk:
    """Lock the tickets (ascending id, like every ticket service) and then read their open clocks."""
    chunk = _Chunk()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, (extract(epoch FROM next_due_at) * 1000000)::bigint FROM tickets_ticket "
                           "WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [ticket_ids])
            chunk.next_due = {pk: NONE if due is None else due for pk, due in cursor.fetchall()}
            cursor.execute(_PG_READ, [ticket_ids, calendar_id, list(OPEN_STATES)])
            for row in cursor.fetchall():
                chunk.add(*row[:11], _parse_pauses(row[11]) if row[11] else None)
        return chunk
    locked = Ticket.objects.select_for_update().filter(pk__in=ticket_ids).order_by("pk")
    chunk.next_due = {pk: NONE if due is None else _us(due) for pk, due in locked.values_list("pk", "next_due_at")}
    rows = (Clock.objects.filter(ticket_id__in=ticket_ids, calendar_id=calendar_id, state__in=OPEN_STATES,
                                 stopped_at__isnull=True).order_by("ticket_id", "target_id")
            .values_list("id", "ticket_id", "target_id", "name", "state", "started_at", "resumed_at", "due_at",
                         "next_escalation_at", "budget_seconds", "consumed_seconds", "pauses"))
    for pk, ticket, target, name, state, started, resumed, due, nxt, budget, consumed, pauses in rows:
        chunk.add(pk, ticket, target, name, state, _us(started), _us(resumed), _us(due), _us(nxt), budget,
                  consumed, _parse_pauses(pauses))
    return chunk


# --------------------------------------------------------------------------- computing
@dataclass
class _Stretches:
    """Every clock's running stretches, flattened in clock order then time order."""

    clock: np.ndarray  # row index of the clock each stretch belongs to
    start: np.ndarray
    w_start: np.ndarray  # working time up to the stretch start
    length: np.ndarray  # working time in the stretch; _FAR while it still runs
    before: np.ndarray  # working time of the clock's earlier stretches
    consumed: np.ndarray  # per clock: working time of its finished stretches


def _stretches(wk: _Worked, chunk: _Chunk, n: int, slow_rows: set[int]) -> _Stretches:
    """Running stretches = [start, first pause), [pause end, next pause) … (evaluate.py's segments).

    A running clock's last stretch must begin at its `resumed_at`, a paused clock must end in an
    open pause; rows that do not fit go to `slow_rows` (recomputed from the log instead).
    """
    started = np.array(chunk.started, np.int64)
    resumed = np.array(chunk.resumed, np.int64)
    simple = np.ones(n, bool)
    simple[list(chunk.pauses)] = False
    bad = simple & (resumed != started)
    slow_rows.update(np.flatnonzero(bad).tolist())
    keep = simple & ~bad
    rows = [np.flatnonzero(keep)]
    starts, ends = [started[keep]], [np.full(int(keep.sum()), NONE, np.int64)]
    extra_rows, extra_starts, extra_ends = [], [], []
    for row, pauses in chunk.pauses.items():
        segs, cursor = [], chunk.started[row]
        for p_start, p_end in pauses:
            if p_start > cursor:
                segs.append((cursor, p_start))
            cursor = p_end
        if cursor is not None:
            segs.append((cursor, None))
        if (cursor if cursor is not None else NONE) != chunk.resumed[row]:
            slow_rows.add(row)
            continue
        for s, e in segs:
            extra_rows.append(row)
            extra_starts.append(s)
            extra_ends.append(NONE if e is None else e)
    rows.append(np.array(extra_rows, np.int64))
    starts.append(np.array(extra_starts, np.int64))
    ends.append(np.array(extra_ends, np.int64))
    clock, start, end = np.concatenate(rows), np.concatenate(starts), np.concatenate(ends)
    order = np.argsort(clock, kind="stable")
    clock, start, end = clock[order], start[order], end[order]
    is_open = end == NONE
    w_start = wk.worked(start)
    w_end = wk.worked(np.where(is_open, start, end))
    closed_len = np.where(is_open, 0, w_end - w_start)
    length = np.where(is_open, _FAR, closed_len)
    running_total = np.cumsum(closed_len) - closed_len
    first = np.searchsorted(clock, clock, side="left")
    before = running_total - running_total[first]
    consumed = np.zeros(n, np.int64)
    np.add.at(consumed, clock, closed_len)
    return _Stretches(clock, start, w_start, length, before, consumed)


def _walk(wk: _Worked, st: _Stretches, budget: np.ndarray, n: int) -> np.ndarray:
    """Per clock, the instant its stretches have used `budget` (NONE if they end first) —
    evaluate._walk_to for every clock at once."""
    out = np.full(n, NONE, np.int64)
    if not st.clock.size:
        return out
    remaining = budget[st.clock] - st.before
    hits = np.flatnonzero(remaining <= st.length)
    clocks, first = np.unique(st.clock[hits], return_index=True)
    j = hits[first]
    left = remaining[j]
    # Zero left: the stretch start itself (add_duration(start, 0) is start, even off hours).
    out[clocks] = np.where(left > 0, wk.earliest(st.w_start[j] + np.maximum(left, 1)), st.start[j])
    return out


def _budgets(cal, chunk: _Chunk, targets: dict[int, Target], slow_rows: set[int]) -> np.ndarray:
    """Budget of every clock in working microseconds (evaluate._budget)."""
    out = np.zeros(len(chunk.ids), np.int64)
    per_target: dict[int, int | None] = {}
    for row, target_id in enumerate(chunk.targets):
        target = targets[target_id]
        if target.unit == Unit.WORKING_DAYS:  # depends on the start and the calendar: per clock
            start = _dt(chunk.started[row])
            end = wt.add_duration(cal, start, Fraction(target.amount), "working_days")
            out[row] = wt.working_time_between(cal, start, end) // timedelta(microseconds=1)
            continue
        if target_id not in per_target:
            scale = _UNIT_US.get(target.unit)
            per_target[target_id] = None if scale is None else round(Fraction(target.amount) * scale)
            if target.unit == Unit.WORKING_HALF_DAYS:  # the calendar's half day (units.py)
                per_target[target_id] = units.as_working_time(cal, target.amount) // timedelta(microseconds=1)
        value = per_target[target_id]
        if value is None:  # a wall-clock unit on a calendar clock: not ours to guess
            slow_rows.add(row)
        else:
            out[row] = value
    return out


def _round_share(budget: np.ndarray, share) -> np.ndarray:
    """round(share × budget) with ties to even, exactly (evaluate.instant_at_share)."""
    part = Fraction(share)
    quotient, rest = np.divmod(budget * part.numerator, part.denominator)
    up = (2 * rest > part.denominator) | ((2 * rest == part.denominator) & (quotient % 2 == 1))
    return quotient + up


def _next_escalations(wk, st, chunk, budget, due, n, rules_by_target, fired) -> np.ndarray:
    """The earliest escalation not yet fired of every clock (sync_clocks' next_escalation_at)."""
    best = np.full(n, np.iinfo(np.int64).max, np.int64)
    target_ids = np.array(chunk.targets, np.int64)
    for rule in {r.pk: r for rules in rules_by_target.values() for r in rules}.values():
        mask = np.array([rule in rules_by_target.get(t, ()) for t in chunk.targets], bool)
        if rule.target_id is not None:
            mask &= target_ids == rule.target_id
        if not mask.any():
            continue
        if rule.trigger == Trigger.SHARE:
            instant = _walk(wk, st, _round_share(budget, rule.share), n)
        else:
            instant = np.where(due == NONE, NONE, due + (rule.offset_minutes or 0) * 60 * _US)
        if fired:
            done = [fire_key(chunk.tickets[i], chunk.targets[i], rule.pk) in fired for i in range(n)]
            mask &= ~np.array(done, bool)
        take = mask & (instant != NONE)
        best = np.where(take, np.minimum(best, instant), best)
    return np.where(best == np.iinfo(np.int64).max, NONE, best)


def _compute(wk, cal, chunk: _Chunk, now_us: int, targets, rules_by_target, fired) -> _Result:
    n = len(chunk.ids)
    slow_rows: set[int] = set()
    budget = _budgets(cal, chunk, targets, slow_rows)
    st = _stretches(wk, chunk, n, slow_rows)
    due = _walk(wk, st, budget, n)
    resumed = np.array(chunk.resumed, np.int64)
    running = (resumed != NONE) & (now_us > resumed)
    since = wk.worked(np.where(running, resumed, now_us))
    used = st.consumed + np.where(running, wk.worked(np.full(n, now_us, np.int64)) - since, 0)
    overdue = (due != NONE) & (due <= now_us)
    state = np.where(overdue, ClockState.BREACHED.value,
                     np.where(resumed == NONE, ClockState.PAUSED.value, ClockState.RUNNING.value)).tolist()
    late = [None if d == NONE or d >= now_us else (now_us - d) / _US for d in due.tolist()]
    paused = [0.0] * n
    for row, pauses in chunk.pauses.items():
        paused[row] = sum(min(now_us if e is None else e, now_us) - s for s, e in pauses if s < now_us) / _US
    nxt = _next_escalations(wk, st, chunk, budget, due, n, rules_by_target, fired) if rules_by_target \
        else np.full(n, NONE, np.int64)
    write = ((due != np.array(chunk.due, np.int64)) | (nxt != np.array(chunk.nxt, np.int64))
             | (np.array(state, object) != np.array(chunk.states, object))
             | (budget / _US != np.array(chunk.budget_s)) | (st.consumed / _US != np.array(chunk.consumed_s)))
    slow = {chunk.tickets[row] for row in slow_rows}
    if slow:
        write &= ~np.isin(np.array(chunk.tickets, np.int64), list(slow))
    return _Result(due, state, budget / _US, st.consumed / _US, used / _US, late, paused, nxt, write, slow)


# --------------------------------------------------------------------------- writing
def _iso_many(values: np.ndarray) -> list[str | None]:
    """datetime.isoformat() of UTC instants, vectorised (no fraction when it is zero)."""
    stamps = values.astype("datetime64[us]")
    text = np.where(values % _US == 0, np.datetime_as_string(stamps, unit="s"),
                    np.datetime_as_string(stamps, unit="us"))
    return [None if v == NONE else f"{t}+00:00" for v, t in zip(values.tolist(), text.tolist(), strict=True)]


def _timeline(chunk: _Chunk, result: _Result, reason: str) -> dict[int, str]:
    """One JSON document per ticket whose due times changed, as sync_clocks records it:
    {"reason": …, "changes": [{"clock": name, "before": iso, "after": iso}, …]} in target order."""
    rows = np.flatnonzero(result.write & (result.due != np.array(chunk.due, np.int64)))
    if not rows.size:
        return {}
    before = _iso_many(np.array(chunk.due, np.int64)[rows])
    after = _iso_many(result.due[rows])
    names: dict[str, str] = {}
    changes: dict[int, list[str]] = defaultdict(list)
    for row, old, new in zip(rows.tolist(), before, after, strict=True):
        name = chunk.names[row]
        quoted = names.get(name) or names.setdefault(name, json.dumps(name, ensure_ascii=False))
        # ISO instants need no escaping; None is JSON null.
        old = "null" if old is None else '"' + old + '"'
        new = "null" if new is None else '"' + new + '"'
        changes[chunk.tickets[row]].append('{"clock": ' + quoted + ', "before": ' + old + ', "after": ' + new + "}")
    head = '{"reason": ' + json.dumps(reason, ensure_ascii=False) + ', "changes": ['
    return {ticket: head + ", ".join(items) + "]}" for ticket, items in changes.items()}


def _copy_text(value: str) -> str:
    """A field in COPY's text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_events(cursor, documents: dict[int, str], reason: str, actor_id, now: datetime) -> None:
    """The timeline entries in one COPY, as a single text buffer (a row at a time is 3× slower)."""
    tail = "\t".join([EventKind.CLOCKS.value, "\\N" if actor_id is None else str(actor_id), now.isoformat(), "", "",
                      _copy_text(reason)])
    lines = [f"{ticket}\t{tail}\t{_copy_text(document)}\tt\n" for ticket, document in documents.items()]
    with cursor.cursor.copy("COPY tickets_ticketevent (ticket_id, kind, actor_id, created_at, from_status, to_status,"
                            " body, data, internal) FROM STDIN") as copy:
        copy.write("".join(lines))


_PG_UPDATE = """
UPDATE sla_clock AS c SET
  due_at = timestamptz 'epoch' + v.due * interval '1 microsecond', state = v.state,
  budget_seconds = v.budget, consumed_seconds = v.consumed, used_seconds = v.used, late_seconds = v.late,
  paused_seconds = v.paused, next_escalation_at = timestamptz 'epoch' + v.nxt * interval '1 microsecond',
  updated_at = %s
FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::float8[], %s::float8[], %s::float8[], %s::float8[],
            %s::float8[], %s::bigint[]) AS v(id, due, state, budget, consumed, used, late, paused, nxt)
WHERE c.id = v.id
"""


def _write(chunk: _Chunk, result: _Result, documents: dict[int, str], reason: str, actor, now: datetime) -> int:
    rows = np.flatnonzero(result.write).tolist()
    if not rows:
        return 0

    def col(values):
        return [values[r] for r in rows]

    def instants(values):
        return [None if v == NONE else v for v in values[rows].tolist()]

    actor_id = getattr(actor, "pk", None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_UPDATE, [now, col(chunk.ids), instants(result.due), col(result.state),
                                        result.budget[rows].tolist(), result.consumed[rows].tolist(),
                                        result.used[rows].tolist(), col(result.late), col(result.paused),
                                        instants(result.nxt)])
            if documents:
                _copy_events(cursor, documents, reason, actor_id, now)
        return len(rows)
    clocks = [Clock(pk=chunk.ids[r], due_at=_dt(result.due[r]), state=result.state[r],
                    budget_seconds=float(result.budget[r]), consumed_seconds=float(result.consumed[r]),
                    used_seconds=float(result.used[r]), late_seconds=result.late[r], paused_seconds=result.paused[r],
                    next_escalation_at=_dt(result.nxt[r]), updated_at=now) for r in rows]
    Clock.objects.bulk_update(clocks, ["due_at", "state", "budget_seconds", "consumed_seconds", "used_seconds",
                                       "late_seconds", "paused_seconds", "next_escalation_at", "updated_at"],
                              batch_size=500)
    TicketEvent.objects.bulk_create(
        [TicketEvent(ticket_id=t, kind=EventKind.CLOCKS, actor_id=actor_id, body=reason, internal=True,
                     data=json.loads(d)) for t, d in documents.items()], batch_size=500)
    return len(rows)


# --------------------------------------------------------------------------- service
def _next_due_moves(chunk: _Chunk, result: _Result) -> list[int]:
    """The tickets whose next_due_at (MIN due of running / unstopped breached clocks) can change.

    A rewritten clock moves it only if it was that minimum (old due <= stored value) or now
    undercuts it; otherwise another clock holds the minimum and the stored value stands.
    Tickets recomputed from the log are always refreshed.
    """
    rows = np.flatnonzero(result.write)
    due_states = (ClockState.RUNNING.value, ClockState.BREACHED.value)
    tickets = np.array(chunk.tickets, np.int64)[rows]
    stored = np.array([chunk.next_due.get(t, NONE) for t in tickets.tolist()], np.int64)
    old_due, new_due = np.array(chunk.due, np.int64)[rows], result.due[rows]
    old_counts = np.isin(np.array(chunk.states)[rows], due_states) & (old_due != NONE)
    new_counts = np.isin(np.array(result.state)[rows], due_states) & (new_due != NONE)
    was_min = old_counts & ((stored == NONE) | (old_due <= stored))
    undercuts = new_counts & ((stored == NONE) | (new_due < stored))
    return sorted(set(tickets[was_min | undercuts].tolist()) | result.slow)


def _plan_context(target_ids: set[int], known: dict[int, Target], rules: dict[int, list[EscalationRule]]) -> None:
    """Load the targets (and their plans' escalation rules) not seen in earlier chunks."""
    missing = target_ids - set(known)
    if not missing:
        return
    for target in Target.objects.filter(pk__in=missing):
        known[target.pk] = target
    plans = {known[t].plan_id for t in missing}
    by_plan: dict[int, list[EscalationRule]] = defaultdict(list)
    for rule in EscalationRule.objects.filter(plan_id__in=plans).order_by("level", "id"):
        by_plan[rule.plan_id].append(rule)
    for t in missing:
        applicable = [r for r in by_plan.get(known[t].plan_id, ()) if r.target_id in (None, t)]
        if applicable:
            rules[t] = applicable


def _recompute_chunk(calendar, cal, ticket_ids, *, reason, actor, now, targets, rules, seconds) -> dict:
    """One chunk, in one transaction: lock, read, compute, write, record, refresh next due."""
    now_us = _us(now)
    clock = time.perf_counter()

    def lap(stage):
        nonlocal clock
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - clock
        clock = time.perf_counter()

    with transaction.atomic():
        chunk = _lock_and_read(calendar.pk, ticket_ids)
        if not chunk.ids:
            return {"checked": 0, "changed": 0, "recorded": 0, "slow_tickets": 0, "next_due_refreshed": 0}
        _plan_context(set(chunk.targets), targets, rules)
        fired = set()
        if any(t in rules for t in chunk.targets):
            fired = set(FiredEscalation.objects.filter(ticket_id__in=sorted(set(chunk.tickets)))
                        .values_list("key", flat=True))
        lap("read")
        instants = [v for v in (*chunk.started, now_us) if v != NONE]
        instants += [p for pauses in chunk.pauses.values() for pair in pauses for p in pair if p is not None]
        wk = _Worked(cal, min(instants), max(instants))
        result = _compute(wk, cal, chunk, now_us, targets, rules, fired)
        documents = _timeline(chunk, result, reason)
        lap("compute")
        changed = _write(chunk, result, documents, reason, actor, now)
        for ticket_id in sorted(result.slow):
            sync_clocks(Ticket(pk=ticket_id), actor=actor, reason=reason, now=now, record=True)
        lap("write")
        moves = _next_due_moves(chunk, result)
        refresh_next_due(moves)  # tickets' denormalised next_due_at follows
        lap("next_due")
    lap("commit")
    return {"checked": len(chunk.ids), "changed": changed, "recorded": len(documents),
            "slow_tickets": len(result.slow), "next_due_refreshed": len(moves)}


def recompute_calendar_clocks(calendar: WorkingCalendar, *, reason: str, actor=None, batch_size: int | None = None,
                              now: datetime | None = None) -> dict:
    """Bring every open clock counted on `calendar` in line with its current days (issue 3).

    `reason` goes into each changed ticket's timeline; `actor` is who edited the calendar.
    Exactly equal to `sync_clocks` on each ticket at the same `now` (see the module docstring),
    in chunks of `batch_size` tickets, each its own (nested) transaction.  Returns counts:
    checked (open clocks), changed (clocks written), recorded (timeline entries), slow_tickets
    (tickets recomputed one by one from their log), next_due_refreshed (tickets whose next_due_at
    was recomputed), and `seconds` spent per stage.
    """
    calendar.refresh_from_db()
    cal = calendar_value(calendar)
    now = now or timezone.now()
    size = batch_size or CHUNK.get(connection.vendor, DEFAULT_CHUNK)
    totals: dict = {"checked": 0, "changed": 0, "recorded": 0, "slow_tickets": 0, "next_due_refreshed": 0}
    seconds: dict[str, float] = {}
    targets: dict[int, Target] = {}
    rules: dict[int, list[EscalationRule]] = {}
    after = 0
    while ticket_ids := _chunk_ticket_ids(calendar.pk, after, size):
        after = ticket_ids[-1]
        counts = _recompute_chunk(calendar, cal, ticket_ids, reason=reason, actor=actor, now=now,
                                  targets=targets, rules=rules, seconds=seconds)
        for key, value in counts.items():
            totals[key] += value
    totals["seconds"] = {stage: round(value, 3) for stage, value in seconds.items()}
    return totals
