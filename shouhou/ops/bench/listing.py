"""`shouhou bench list`: p50/p95 of the filtered first page (API and HTML), ticket detail (API and
HTML) and search, with the database loaded to --tickets service requests.

Missing tickets are added first through the demo bulk path (COPY on PostgreSQL), then the
planner statistics are refreshed (ANALYZE), then the production server (gunicorn, as
`serve --prod`) is started on a free loopback port and each operation runs --requests times from
--clients concurrent clients (2 unmeasured warm-up requests each), bounded by --budget seconds.
The desk user reads through its token (API) and a session cookie (HTML); `api_list_dealer` reads
as dealer staff, so the cost of scoping shows.
"""

from __future__ import annotations

import json
import random
from urllib.parse import quote

from . import http as bench_http

OPEN = ["new", "accepted", "assigned", "appointment_booked", "pending_customer", "escalated", "reopened"]


def add_arguments(parser) -> None:
    parser.add_argument("--tickets", type=int, default=1_000_000,
                        help="load the database to this many tickets first (bulk path); 0 = use what is there")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per operation")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per operation before no new request")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keyword", default="闭门器", help="search keyword (闭门器 is in about 5 %% of titles)")
    parser.add_argument("--ops", default="", help="comma list of operation names to run (default all)")
    parser.add_argument("--seed", type=int, default=7)


def _load(target: int, say) -> dict:
    from django.db import connection

    from shouhou.ops.demo import load_demo
    from shouhou.tickets.models import Ticket

    have = Ticket.objects.count()
    loaded = {}
    if target > have:
        say(f"{have} tickets in the database; bulk-loading {target - have} more")
        result = load_demo(tickets=target - have, seed=have + 1, bulk=True, progress=say)
        loaded = {"loaded_tickets": result.tickets, "load_s": round(result.seconds, 1),
                  "load_rows_per_s": result.rows_per_s, "load_method": result.method}
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map after a bulk load, so index-only scans work (PostgreSQL).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" and connection.get_autocommit()
                       else "ANALYZE")
    return loaded


def operations(keyword: str) -> dict:
    """name -> (credential, path builder(rnd, state)); every answer must be 200."""
    q = quote(keyword)

    def rid(rnd, st):
        return rnd.randint(st["min_id"], st["max_id"])

    return {
        "api_list": ("token", lambda rnd, st: f"/api/v1/tickets/?status={rnd.choice(OPEN)}&severity={rnd.randint(1, 3)}"),
        "api_list_dealer": ("dealer", lambda rnd, st: f"/api/v1/tickets/?status={rnd.choice(OPEN)}"),
        "html_list": ("session", lambda rnd, st: f"/tickets/?status={rnd.choice(OPEN)}"),
        "api_detail": ("token", lambda rnd, st: f"/api/v1/tickets/{rid(rnd, st)}/"),
        "html_detail": ("session", lambda rnd, st: f"/tickets/{rid(rnd, st)}/"),
        "api_search": ("token", lambda rnd, st: f"/api/v1/tickets/?q={q}"),
        "html_search": ("session", lambda rnd, st: f"/tickets/?q={q}"),
        "api_search_number": ("token", lambda rnd, st: f"/api/v1/tickets/?q=SR{rid(rnd, st):08d}"),
    }


def run(options: dict, say) -> dict:
    from django.core.management import call_command
    from django.db.models import Max, Min

    from shouhou.ops.demo import ensure_reference_data
    from shouhou.tickets.models import Ticket

    call_command("migrate", interactive=False, verbosity=0)
    world = ensure_reference_data()
    loaded = _load(options["tickets"], say) if options["tickets"] else {}
    bounds = Ticket.objects.aggregate(min_id=Min("id"), max_id=Max("id"))
    state = {"min_id": bounds["min_id"] or 1, "max_id": bounds["max_id"] or 1}
    desk, token = bench_http.bench_user()
    dealer_org = world.users["dealer"].organisation
    _dealer, dealer_token = bench_http.bench_user("bench_dealer", role="dealer_staff", organisation=dealer_org)
    credentials = {
        "token": {"Authorization": f"Token {token}", "Accept": "application/json"},
        "dealer": {"Authorization": f"Token {dealer_token}", "Accept": "application/json"},
        "session": {"Cookie": bench_http.session_cookie(desk), "Accept": "text/html"},
    }
    only = {name.strip() for name in options["ops"].split(",") if name.strip()}
    figures: dict = {}
    with bench_http.Server(workers=options["workers"], threads=options["threads"]) as server:
        say(f"gunicorn on 127.0.0.1:{server.port}, {server.workers} workers × {server.threads} threads")
        for name, (credential, path) in operations(options["keyword"]).items():
            if only and name not in only:
                continue
            clients = [bench_http.Client(server.port, credentials[credential]) for _ in range(options["clients"])]
            rnds = {id(c): random.Random(options["seed"] + n) for n, c in enumerate(clients)}  # noqa: S311

            def op(client, _i, path=path, rnds=rnds):
                status, data = client.request("GET", path(rnds[id(client)], state))
                bench_http.expect(status, data)
                if data[:1] == b"{":
                    json.loads(data)

            bench_http.run_load(clients, op, 2 * len(clients), options["budget"])
            result = bench_http.run_load(clients, op, options["requests"], options["budget"])
            for client in clients:
                client.close()
            figures[name] = result.summary()
            say(f"{name}: {json.dumps(figures[name], ensure_ascii=False)}")
    return {
        "bench": "list", "db": bench_http.db_vendor(), "tickets": Ticket.objects.count(),
        "workers": server.workers, "threads": server.threads, "clients": options["clients"], **loaded,
        **{f"{name}_p50_ms": f["p50_ms"] for name, f in figures.items()},
        **{f"{name}_p95_ms": f["p95_ms"] for name, f in figures.items()},
        "errors": {name: f["errors"] for name, f in figures.items() if f["errors"]},
        "first_errors": {name: f["first_errors"] for name, f in figures.items() if f["errors"]},
        "ops": figures,
    }
