"""Preview and back-test a plan version with the evaluation real tickets get (issue 8).

Both build the pure plan with clocks.plan_rules and run evaluate.evaluate — the very calls
sync_clocks makes — so "a level-1 fault reported now on this site would be due at …" is the due
time the ticket then gets, and a back-test counts what the clocks would have said.  Nothing is
written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from shouhou.tickets.models import Ticket

from .. import evaluate as ev
from ..models import ServicePlan, Target
from .clocks import plan_rules, site_zone, ticket_events, ticket_facts

BACKTEST_LIMIT = 20_000  # tickets per back-test (newest first)


@dataclass(frozen=True)
class PreviewRow:
    target: Target
    started_at: datetime
    due_at: datetime | None


def preview(plan: ServicePlan, *, severity: int, site=None, service_level: str = "", in_warranty: bool | None = None,
            at: datetime | None = None) -> list[PreviewRow]:
    """The clocks a request reported at `at` (default now) with these facts would get."""
    at = at or timezone.now()
    pure, targets = plan_rules(plan)
    zone = site_zone(site, plan)  # the plan's zone rules place a site without a hand-set zone, as on tickets
    facts = ev.Facts(severity=int(severity), service_level=service_level or "", zone=zone, in_warranty=in_warranty)
    received = ev.Event(at=at, names=frozenset({"received"}), status="new")
    results = ev.evaluate(pure, facts, [received], at)
    rows = [PreviewRow(targets[key], r.started_at, r.due_at) for key, r in results.items()]
    return sorted(rows, key=lambda row: (row.due_at is None, row.due_at or at, row.target.order))


@dataclass
class BacktestRow:
    target: Target
    met: int = 0
    breached: int = 0
    open: int = 0

    @property
    def judged(self) -> int:
        return self.met + self.breached

    @property
    def compliance(self) -> float | None:
        return round(100 * self.met / self.judged, 1) if self.judged else None


def backtest_tickets(plan: ServicePlan, since: datetime):
    """The requests a back-test replays: the plan's contract's (all requests for a template, a
    variant without a contract or the default plan) reported since `since`."""
    head = plan.head
    qs = Ticket.objects.filter(created_at__gte=since)
    if head.contract_id:
        qs = qs.filter(contract_id=head.contract_id)
    return qs.select_related("site__zone").order_by("-created_at")[:BACKTEST_LIMIT]


def months_before(when: datetime, months: int) -> datetime:
    """The same wall-clock instant `months` months earlier (the day clamped to the month's end)."""
    import calendar

    index = when.year * 12 + when.month - 1 - months
    year, month = divmod(index, 12)
    day = min(when.day, calendar.monthrange(year, month + 1)[1])
    return when.replace(year=year, month=month + 1, day=day)


def backtest(plan: ServicePlan, *, months: int = 3, now: datetime | None = None) -> dict:
    """Replay the last `months` months' requests (their recorded events) through `plan`: per
    target, how many clocks would have been met, breached, or are still open."""
    now = now or timezone.now()
    since = months_before(now, months)
    pure, targets = plan_rules(plan)
    rows = {key: BacktestRow(targets[key]) for key in targets}
    states: Counter = Counter()
    count = 0
    for ticket in backtest_tickets(plan, since):
        count += 1
        for key, result in ev.evaluate(pure, ticket_facts(ticket, plan), ticket_events(ticket, plan), now).items():
            row = rows[key]
            states[result.state] += 1
            if result.state == "met":
                row.met += 1
            elif result.state == "breached":
                row.breached += 1
            elif result.state in ("running", "paused"):
                row.open += 1
    ordered = sorted(rows.values(), key=lambda r: (r.target.order, r.target.pk or 0))
    return {"since": since, "until": now, "tickets": count, "rows": ordered, "states": dict(states),
            "span": timedelta(days=(now - since).days)}
