"""Realistic Chinese demo data (`shouhou demo`, and `shouhou serve` on first run).

    load_demo(tickets=200)             reference data (idempotent) + tickets through the services
    load_demo(tickets=10**6, bulk=…)   the fast bulk path for benchmarks (rows/s reported)

See reference.py for the world (our company, 3 dealers, 20 customers, one login per role with
the fixed password DEMO_PASSWORD) and tickets.py for the two ticket generators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from shouhou.core import evidence

from .approvals import demo_approvals, purge_approvals
from .reference import DEMO_PASSWORD, DEMO_USERS, World, ensure_reference_data, login_table
from .tickets import BulkResult, bulk_load, generate_through_services

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "BULK_THRESHOLD", "DemoResult", "NotADemoDatabase", "ensure_reference_data",
           "load_demo", "login_table", "non_demo_data", "purge_tickets"]

# Above this many tickets the loader takes the bulk path unless told otherwise.
BULK_THRESHOLD = 2000


@dataclass
class DemoResult:
    world: World
    tickets: int = 0
    events: int = 0
    seconds: float = 0.0
    method: str = "services"
    purged: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float:
        return round((self.tickets + self.events) / self.seconds, 1) if self.seconds else 0.0


def _dependants(model, seen=None):
    """Every (model, filter) holding rows that exist only because of `model` rows, leaves first.

    Hidden reverse relations (related_name="+", e.g. a fired escalation's ticket) count too:
    missing them left rows pointing at deleted tickets and failed the reset with a foreign-key
    error."""
    seen = seen if seen is not None else set()
    out = []
    relations = [f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for rel in relations:
        related = rel.related_model
        if rel.many_to_many:
            through = rel.through if hasattr(rel, "through") else None
            if through is not None and through not in seen:
                seen.add(through)
                out.append((through, None))
            continue
        if related in seen or related is model:
            continue
        if rel.on_delete.__name__ in ("SET_NULL", "DO_NOTHING") and rel.field.null:
            out.append((related, rel.field.name))  # keep the row, drop the link
            continue
        seen.add(related)
        out.extend(_dependants(related, seen))
        out.append((related, None))
    return out


def non_demo_data() -> list[str]:
    """What in this database is not demo data (empty: a pure demo database, or an empty one).

    Demo data is recognised by the marker row the loader writes when it builds its world in an
    empty database, and by the demo world's natural keys: every user, organisation, customer,
    product model and contract must be one the loader creates.  Tickets, their evidence and
    outbox messages of such a database are demo data whoever made them (only demo logins exist).
    """
    from shouhou.accounts.models import Organisation, User
    from shouhou.accounts.permissions import SYSTEM_USERNAME
    from shouhou.assets.models import ProductModel
    from shouhou.contracts.models import Contract
    from shouhou.core.models import DemoMarker
    from shouhou.customers.models import Customer
    from shouhou.tickets.models import Ticket

    from .reference import CUSTOMERS, DEALERS, OWN_COMPANY, PRODUCTS

    found = []
    checks = [
        (User, "username", {SYSTEM_USERNAME, *(u.username for u in DEMO_USERS)}),
        (Organisation, "name", {OWN_COMPANY, *DEALERS, f"{CUSTOMERS[0][0]}（客户门户）"}),
        (Customer, "code", {f"KH{i + 1:04d}" for i in range(len(CUSTOMERS))}),
        (ProductModel, "code", {p[0] for p in PRODUCTS}),
        (Contract, "number", {f"HT-2024-{i + 1:03d}" for i in range(len(CUSTOMERS))}),
    ]
    for model, key, demo_keys in checks:
        extra = model.objects.exclude(**{f"{key}__in": demo_keys}).count()
        if extra:
            found.append(f"{extra} {model._meta.verbose_name_plural} ({key} not from the demo)")
    people = User.objects.exclude(username=SYSTEM_USERNAME)  # the system actor is in every database
    has_data = any(qs.exists() for qs in (people, Customer.objects.all(), Ticket.objects.all()))
    if has_data and not DemoMarker.objects.exists():
        found.insert(0, "no demo marker (the database was not created by `shouhou demo`)")
    return found


class NotADemoDatabase(Exception):
    """`demo --reset` refused: the database holds more than demo data; nothing was deleted."""

    def __init__(self, found: list[str]):
        super().__init__("; ".join(found))
        self.found = found


@transaction.atomic
def purge_tickets() -> int:
    """`demo --reset`: delete every ticket and what hangs off it (timeline, visits, clocks, …)
    and the outbox and in-app notifications.  Refuses (NotADemoDatabase, nothing deleted) unless non_demo_data() is empty.

    Reference data (customers, assets, contracts, users) stays.  Rows are deleted set-wise
    (no per-row collector), so a million-ticket benchmark database resets in seconds.  This is
    the documented "demo reset" bypass of the evidence guard (core.evidence).
    """
    from shouhou.notify.models import Notification, OutboxMessage
    from shouhou.tickets.models import Ticket

    found = non_demo_data()
    if found:
        raise NotADemoDatabase(found)
    with evidence.purge("demo reset"):
        for related, nullable_fk in _dependants(Ticket):
            qs = related._default_manager.all()
            if nullable_fk:
                qs.filter(**{f"{nullable_fk}__isnull": False}).update(**{nullable_fk: None})
            else:
                qs._raw_delete(qs.db)
        qs = Ticket.objects.all()
        count = qs.count()
        qs._raw_delete(qs.db)
        for messages in (Notification.objects.all(), OutboxMessage.objects.all()):  # they point at the tickets
            messages._raw_delete(messages.db)
        purge_approvals()
    return count


def load_demo(tickets: int = 200, seed: int = 1, reset: bool = False, bulk: bool | None = None,
              progress: Callable[[str], None] | None = None) -> DemoResult:
    """Ensure the reference data, then add `tickets` tickets (service path, or bulk above
    BULK_THRESHOLD unless `bulk` says otherwise).  `reset` first deletes every ticket."""
    import time

    say = progress or (lambda _msg: None)
    purged = purge_tickets() if reset else 0
    if purged:
        say(f"deleted {purged} tickets")
    world = ensure_reference_data()
    result = DemoResult(world=world, purged=purged)
    if tickets <= 0:
        return result
    if bulk if bulk is not None else tickets > BULK_THRESHOLD:
        def report(done, seconds):
            say(f"{done}/{tickets} tickets, {done / seconds:,.0f} tickets/s")

        loaded: BulkResult = bulk_load(world, tickets, seed=seed, progress=report)
        result.tickets, result.events, result.seconds, result.method = (
            loaded.tickets, loaded.events, loaded.seconds, loaded.method)
        return result
    from shouhou.tickets.models import TicketEvent

    events_before = TicketEvent.objects.count()
    started = time.perf_counter()
    ids = generate_through_services(world, tickets, seed=seed, progress=lambda n: say(f"{n}/{tickets} tickets"))
    result.extra["approvals"] = demo_approvals(world)
    result.seconds = time.perf_counter() - started
    result.tickets = len(ids)
    result.events = TicketEvent.objects.count() - events_before
    return result
