"""Demo service requests, two ways that produce the same kind of rows.

* `generate_through_services` (small N, the default): every ticket is opened with
  `tickets.services.open_ticket` and walked along the declared workflow with
  `tickets.services.perform_action` and the dispatch services (visit, signature, fault report),
  by the persona the workflow names, so the timeline, visits and clocks are real.  Afterwards
  the whole story is moved back in time (tickets spread over 18 months): services always stamp
  "now", and a demo that shows only today's tickets would show nothing of the archive (P5.7).
* `bulk_load` (up to 1,000,000 for benchmarks): the same columns computed in Python and written
  in batches of 10,000 — `COPY` on PostgreSQL, DB-API `executemany` elsewhere — with the ticket's "created" event
  and the event of its last transition.  It bypasses services on purpose (it is a loader, not a
  user action) and fills exactly the fields `open_ticket` / `transition_ticket` would.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from shouhou.sla.services.clocks import sync_clocks
from shouhou.tickets import services as ticket_services
from shouhou.tickets.choices import Channel, EventKind, Severity, Status, SupportMode
from shouhou.tickets.models import Ticket, TicketEvent

from .reference import CATEGORY_OF, World
from .text import fault_text

S = Status
DAYS = 540  # 18 months

# Final status → share of tickets (sums to 100).  Most history is closed; the open states are
# what a desk sees on a normal day.
STATUS_WEIGHTS = {
    S.CLOSED: 42, S.NEW: 7, S.ACCEPTED: 5, S.ASSIGNED: 8, S.APPOINTMENT_BOOKED: 5, S.EN_ROUTE: 2,
    S.ON_SITE: 3, S.RESOLVED: 6, S.CUSTOMER_CONFIRMED: 5, S.PENDING_CUSTOMER: 4, S.ESCALATED: 3,
    S.CANCELLED: 5, S.REOPENED: 5,
}
SEVERITY_WEIGHTS = {Severity.MAJOR: 12, Severity.MAIN: 33, Severity.MINOR: 55}
CHANNEL_WEIGHTS = {Channel.PHONE: 45, Channel.WEB: 12, Channel.EMAIL: 8, Channel.LETTER: 2, Channel.WALK_IN: 3,
                   Channel.PORTAL: 20, Channel.API: 10}
OPEN_FINAL = {S.NEW, S.ACCEPTED, S.ASSIGNED, S.APPOINTMENT_BOOKED, S.EN_ROUTE, S.ON_SITE, S.PENDING_CUSTOMER,
              S.ESCALATED, S.REOPENED}

# The workflow path (actions) that leads to each final status for an on-site job.
VISIT = ["accept", "assign", "book_appointment", "start_travel", "arrive", "depart", "sign"]
PATHS: dict[str, list[str]] = {
    S.NEW: [],
    S.ACCEPTED: ["accept"],
    S.ASSIGNED: ["accept", "assign"],
    S.APPOINTMENT_BOOKED: ["accept", "assign", "book_appointment"],
    S.EN_ROUTE: ["accept", "assign", "book_appointment", "start_travel"],
    S.ON_SITE: ["accept", "assign", "book_appointment", "start_travel", "arrive"],
    S.RESOLVED: [*VISIT, "resolve"],
    S.CUSTOMER_CONFIRMED: [*VISIT, "resolve", "confirm"],
    S.CLOSED: [*VISIT, "resolve", "confirm", "close"],
    S.PENDING_CUSTOMER: ["accept", "assign", "wait_customer"],
    S.ESCALATED: ["accept", "escalate"],
    S.CANCELLED: ["accept", "cancel"],
    S.REOPENED: [*VISIT, "resolve", "confirm", "close", "reopen"],
}
# Phone / remote support (P5.8) resolves without a visit.
REMOTE_PATHS = {
    S.RESOLVED: ["accept", "resolve"],
    S.CUSTOMER_CONFIRMED: ["accept", "resolve", "confirm"],
    S.CLOSED: ["accept", "resolve", "confirm", "close"],
}
REASONS = {
    "wait_customer": ["客户要求下周再上门", "等待客户确认停机时间", "客户现场负责人出差"],
    "escalate": ["一级故障超过 2 小时未恢复，升级至售后经理", "客户投诉响应慢，升级处理", "需要厂家技术支持"],
    "cancel": ["客户自行处理，已撤销报修", "重复报修，已合并", "非我司产品"],
    "reopen": ["同一故障再次出现", "客户反映修复不彻底"],
}


def _weighted(rnd: random.Random, weights: dict):
    return rnd.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Plan:
    """What one demo ticket will become."""

    status: str
    severity: int
    channel: str
    support_mode: str
    created_at: dt.datetime
    asset: object
    text: dict
    dealer_job: bool


def plan_ticket(rnd: random.Random, world: World, now: dt.datetime) -> Plan:
    status = _weighted(rnd, STATUS_WEIGHTS)
    # Open tickets are recent; the archive spreads over 18 months, more of it lately.
    if status in OPEN_FINAL:
        age = rnd.uniform(0, 30)
    else:
        age = DAYS * (1 - rnd.random() ** 0.7)
    asset = rnd.choice(world.assets)
    mode = SupportMode.ON_SITE
    if status in REMOTE_PATHS and rnd.random() < 0.2:
        mode = rnd.choice([SupportMode.PHONE, SupportMode.REMOTE])
    dealer_job = bool(asset.customer.dealer_id == world.users["dealer"].organisation_id
                      and status in {S.ASSIGNED, S.PENDING_CUSTOMER} and rnd.random() < 0.4)
    return Plan(
        status=status, severity=_weighted(rnd, SEVERITY_WEIGHTS), channel=_weighted(rnd, CHANNEL_WEIGHTS),
        support_mode=mode, created_at=now - dt.timedelta(days=age, minutes=rnd.randrange(0, 600)),
        asset=asset, text=fault_text(rnd, CATEGORY_OF.get(asset.product_model.code, "fire_door")),
        dealer_job=dealer_job,
    )


def path_for(plan: Plan) -> list[str]:
    if plan.support_mode != SupportMode.ON_SITE:
        return REMOTE_PATHS[plan.status]
    return PATHS[plan.status]


# --- the service path --------------------------------------------------------------------------

def signature_png() -> bytes:
    """A small drawn signature (a real, non-blank PNG, as the signature pad would send)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(10, 60), (50, 20), (90, 55), (130, 25), (170, 50), (220, 30)], fill=(20, 20, 80, 255), width=3)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _take_step(ticket, action: str, plan: Plan, world: World, rnd: random.Random, png: bytes):
    """One workflow step by the persona the declared workflow names for it."""
    from shouhou.dispatch import services as dispatch_services

    users = world.users
    worker = users["dealer"] if plan.dealer_job else ticket.assignee or users["engineer"]
    if action == "assign":
        payload = {"dealer": users["dealer"].organisation_id} if plan.dealer_job else {
            "assignee": rnd.choice([users["engineer"], users["engineer2"]]).pk}
        return ticket_services.perform_action(users["dispatcher"], ticket, "assign", **payload)
    if action == "book_appointment":
        when = timezone.now() + dt.timedelta(days=1, hours=rnd.randrange(0, 8))
        return ticket_services.perform_action(worker, ticket, action, appointment_at=when.isoformat(),
                                              note=plan.text["reporter_name"])
    if action in ("start_travel", "arrive"):
        return ticket_services.perform_action(worker, ticket, action)
    if action == "depart":
        visit = dispatch_services.open_visit(ticket)
        dispatch_services.record_departure(worker, visit, plan.text["fix"], rnd.choice(["", "闭门器 ×1", "电源模块 ×1"]))
        return ticket
    if action == "sign":
        visit = ticket.visits.order_by("-id").first()
        dispatch_services.sign_visit(worker, visit, "drawn", plan.text["reporter_name"], png)
        return ticket
    if action == "resolve":
        actor = worker if ticket.assignee_id or ticket.assigned_dealer_id else users["desk"]
        ticket = ticket_services.perform_action(actor, ticket, "resolve", resolution=plan.text["fix"])
        if plan.severity == Severity.MAJOR and ticket.assignee_id:  # P5.4 fault analysis report
            dispatch_services.write_fault_report(actor, ticket, cause=plan.text["title"], fix=plan.text["fix"],
                                                 prevention="加强定期巡检，易损件按周期更换。")
        return ticket
    actor = users["desk"] if action in ("accept", "confirm", "close", "escalate", "cancel", "reopen") else worker
    if action == "wait_customer" and not (ticket.assignee_id or ticket.assigned_dealer_id):
        actor = users["desk"]
    ticket = ticket_services.perform_action(actor, ticket, action, reason=rnd.choice(REASONS.get(action, [""])))
    if action == "accept":
        # The call back is its own milestone: the P5 and P14 plans do not count the desk's Accept as
        # contacting the customer (clause accept_is_contact, off in their templates; on in P13's).
        from shouhou.sla.services import record_milestone

        record_milestone(users["desk"], ticket, "contacted", note="已电话回复报修人")
    return ticket


def _backdate(ticket_id: int, start: dt.datetime, rnd: random.Random) -> None:
    """Move one ticket's story to `start`: its events keep their order, spaced minutes to hours."""
    from shouhou.dispatch.models import FaultReport, Visit

    stamps = {}
    moment = start
    for event in TicketEvent.objects.filter(ticket_id=ticket_id).order_by("created_at", "id"):
        stamps[event.pk] = moment
        # Most steps follow quickly (promises kept); one in five drags on (a visible breach).
        moment += dt.timedelta(minutes=rnd.randrange(3, 25) if rnd.random() < 0.8 else rnd.randrange(40, 300))
    for pk, stamp in stamps.items():
        TicketEvent.objects.filter(pk=pk).update(created_at=stamp)
    last = max(stamps.values(), default=start)
    ticket = Ticket.objects.get(pk=ticket_id)
    shift = last - timezone.now()
    Ticket.objects.filter(pk=ticket_id).update(
        created_at=start, updated_at=last,
        resolved_at=ticket.resolved_at + shift if ticket.resolved_at else None,
        closed_at=ticket.closed_at + shift if ticket.closed_at else None,
    )
    for visit in Visit.objects.filter(ticket_id=ticket_id):
        changes = {name: getattr(visit, name) + shift for name in
                   ("appointment_at", "departed_at", "arrived_at", "left_at", "signed_at", "created_at")
                   if getattr(visit, name) is not None}
        Visit.objects.filter(pk=visit.pk).update(**changes)
    FaultReport.objects.filter(ticket_id=ticket_id).update(created_at=last)


def generate_through_services(world: World, count: int, seed: int = 1,
                              progress: Callable[[int], None] | None = None) -> list[int]:
    """Open `count` tickets through the services and walk each to a planned status; return ids."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    png = signature_png()
    now = timezone.now()
    ids = []
    for n in range(count):
        plan = plan_ticket(rnd, world, now)
        reporter = world.users["customer"] if (
            plan.channel == Channel.PORTAL and plan.asset.customer_id == world.customer_user_customer.pk
        ) else world.users["desk"]
        with transaction.atomic():
            ticket = ticket_services.open_ticket(
                reporter, title=plan.text["title"], description=plan.text["description"], channel=plan.channel,
                severity=plan.severity, support_mode=plan.support_mode, asset=plan.asset,
                reporter_name=plan.text["reporter_name"], reporter_phone=plan.text["reporter_phone"],
            )
            for action in path_for(plan):
                ticket = _take_step(ticket, action, plan, world, rnd, png)
            _backdate(ticket.pk, plan.created_at, rnd)
            sync_clocks(ticket)  # clocks are derived from the (now back-dated) timeline
        ids.append(ticket.pk)
        if progress and (n + 1) % 50 == 0:
            progress(n + 1)
    return ids


# --- the bulk path -----------------------------------------------------------------------------

TICKET_COLUMNS = [
    "id", "title", "description", "channel", "severity", "service_level", "support_mode", "status",
    "resume_status", "customer_id", "site_id", "asset_id", "contract_id", "reported_serial", "reported_customer",
    "reporter_name", "reporter_phone", "reporter_email", "unverified", "in_warranty", "assignee_id",
    "assigned_dealer_id", "created_by_id", "resolution", "cancel_reason", "resolved_at", "closed_at", "version",
    "created_at", "updated_at",
]
EVENT_COLUMNS = ["ticket_id", "kind", "actor_id", "created_at", "from_status", "to_status", "body", "data",
                 "internal"]
# Where each final status came from in its last step, and the action that took it there.
LAST_STEP = {
    S.ACCEPTED: (S.NEW, "accept"), S.ASSIGNED: (S.ACCEPTED, "assign"),
    S.APPOINTMENT_BOOKED: (S.ASSIGNED, "book_appointment"), S.EN_ROUTE: (S.APPOINTMENT_BOOKED, "start_travel"),
    S.ON_SITE: (S.EN_ROUTE, "arrive"), S.RESOLVED: (S.ON_SITE, "resolve"),
    S.CUSTOMER_CONFIRMED: (S.RESOLVED, "confirm"), S.CLOSED: (S.CUSTOMER_CONFIRMED, "close"),
    S.PENDING_CUSTOMER: (S.ASSIGNED, "wait_customer"), S.ESCALATED: (S.ACCEPTED, "escalate"),
    S.CANCELLED: (S.ACCEPTED, "cancel"), S.REOPENED: (S.CLOSED, "reopen"),
}
ASSIGNED_STATES = {S.ASSIGNED, S.APPOINTMENT_BOOKED, S.EN_ROUTE, S.ON_SITE, S.RESOLVED, S.CUSTOMER_CONFIRMED,
                   S.CLOSED, S.PENDING_CUSTOMER, S.REOPENED}


@dataclass
class AssetFacts:
    """What open_ticket derives from an asset, computed once per asset instead of per ticket."""

    asset_id: int
    customer_id: int
    site_id: int | None
    contract_id: int | None
    service_level: str
    warranty_start: dt.date | None
    warranty_end: dt.date | None
    category: str
    serial: str


def asset_facts(world: World) -> list[AssetFacts]:
    today = timezone.localdate()
    out = []
    for asset in world.assets:
        contract = ticket_services.find_contract(asset.customer, asset.site, asset, today)
        out.append(AssetFacts(asset.pk, asset.customer_id, asset.site_id, contract.pk if contract else None,
                              contract.service_level if contract else "", asset.warranty_start, asset.warranty_end,
                              CATEGORY_OF.get(asset.product_model.code, "fire_door"), asset.serial_no))
    return out


def _bulk_rows(start_id: int, count: int, rnd: random.Random, facts: list[AssetFacts], world: World,
               now: dt.datetime) -> tuple[list[tuple], list[tuple]]:
    """`count` ticket rows from id `start_id`, with their events, as column tuples."""
    users = world.users
    desk, engineers = users["desk"].pk, [users["engineer"].pk, users["engineer2"].pk]
    tickets, events = [], []
    statuses, status_w = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    sevs, sev_w = list(SEVERITY_WEIGHTS), list(SEVERITY_WEIGHTS.values())
    chans, chan_w = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    for tid in range(start_id, start_id + count):
        status = rnd.choices(statuses, status_w)[0]
        age = rnd.uniform(0, 30) if status in OPEN_FINAL else DAYS * (1 - rnd.random() ** 0.7)
        created = now - dt.timedelta(days=age, seconds=rnd.randrange(0, 36000))
        fact = rnd.choice(facts)
        text = fault_text(rnd, fact.category)
        severity = rnd.choices(sevs, sev_w)[0]
        channel = rnd.choices(chans, chan_w)[0]
        updated = created + dt.timedelta(minutes=rnd.randrange(5, 4000)) if status != S.NEW else created
        resolved = updated if status in (S.RESOLVED, S.CUSTOMER_CONFIRMED, S.CLOSED) else None
        closed = updated if status == S.CLOSED else None
        day = created.date()
        in_warranty = (fact.warranty_start <= day <= fact.warranty_end) if fact.warranty_end else None
        tickets.append((
            tid, text["title"], text["description"], channel, int(severity), fact.service_level, SupportMode.ON_SITE,
            str(status), S.ASSIGNED if status == S.PENDING_CUSTOMER else (S.ACCEPTED if status == S.ESCALATED else ""),
            fact.customer_id, fact.site_id, fact.asset_id, fact.contract_id, "", "", text["reporter_name"],
            text["reporter_phone"], "", False, in_warranty,
            rnd.choice(engineers) if status in ASSIGNED_STATES else None, None, desk,
            text["fix"] if resolved or status == S.REOPENED else "",
            rnd.choice(REASONS["cancel"]) if status == S.CANCELLED else "", resolved, closed,
            1 + len(PATHS[status]), created, updated,
        ))
        events.append((tid, EventKind.CREATED, desk, created, "", S.NEW, text["description"],
                       json.dumps({"channel": channel, "severity": int(severity), "unverified": False}), False))
        if status != S.NEW:
            before, action = LAST_STEP[status]
            reason = rnd.choice(REASONS[action]) if action in REASONS else ""
            data = {"action": action, **({"reason": reason} if reason else {})}
            events.append((tid, EventKind.TRANSITION, desk, updated, str(before), str(status),
                           reason or (text["fix"] if action == "resolve" else ""), json.dumps(data), False))
    return tickets, events


def _write_copy(model, columns: list[str], rows: list[tuple]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # noqa: S608 - names from _meta
        for row in rows:
            copy.write_row(row)


def _write_executemany(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain DB-API `executemany` (SQLite and others): the ORM's per-object work costs 5× the insert."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - names from _meta
    adapt = connection.ops.adapt_datetimefield_value
    # The same conversion the ORM applies to aware datetimes (UTC) before they reach the driver.
    prepared = [tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _fix_sequence(model) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest explicit id by itself
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM " +  # noqa: S608
            connection.ops.quote_name(table) + "))", [table],
        )


@dataclass
class BulkResult:
    tickets: int
    events: int
    seconds: float
    method: str

    @property
    def rows_per_s(self) -> float:
        return round((self.tickets + self.events) / self.seconds, 1) if self.seconds else 0.0

    @property
    def tickets_per_s(self) -> float:
        return round(self.tickets / self.seconds, 1) if self.seconds else 0.0


# From this many tickets on, PostgreSQL's n-gram search index (tickets migration 0013) is dropped
# for the load and built again at the end: a build is several times faster than row-by-row inserts.
REBUILD_FROM = 50_000


def _drop_search_index() -> str | None:
    """Drop the ticket text index and return the statement that builds it again (None: absent)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ticket_text_grams'")
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute("DROP INDEX ticket_text_grams")
    return row[0]


def bulk_load(world: World, count: int, seed: int = 1, batch: int = 10_000,
              progress: Callable[[int, float], None] | None = None, use_copy: bool | None = None) -> BulkResult:
    """Write `count` tickets (and their events) fast; one transaction per batch."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    facts = asset_facts(world)
    now = timezone.now()
    copy = connection.vendor == "postgresql" if use_copy is None else use_copy
    write = _write_copy if copy else _write_executemany
    started = time.perf_counter()
    done = events_written = 0
    rebuild = _drop_search_index() if connection.vendor == "postgresql" and count >= REBUILD_FROM else None
    while done < count:
        n = min(batch, count - done)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # one loader at a time owns the id range
                    cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Ticket._meta.db_table)} IN EXCLUSIVE MODE")  # noqa: S608
            tickets, events = _bulk_rows(_next_id(Ticket), n, rnd, facts, world, now)
            write(Ticket, TICKET_COLUMNS, tickets)
            write(TicketEvent, EVENT_COLUMNS, events)
            _fix_sequence(Ticket)
        done += n
        events_written += len(events)
        if progress:
            progress(done, time.perf_counter() - started)
    if rebuild:
        with connection.cursor() as cursor:  # one sorted build instead of a GIN insert per row
            cursor.execute(rebuild)
    return BulkResult(done, events_written, time.perf_counter() - started, "copy" if copy else "executemany")
