"""`shouhou bench search`: p50/p95 of Chinese substring search (API and HTML first page) at
--tickets service requests, from --clients concurrent clients against the production server.

Prepares the database it is pointed at: migrates it (the search indexes come with migration
tickets 0011), adds the demo reference data, bulk-loads the missing tickets (COPY on
PostgreSQL) and refreshes the planner statistics — as `shouhou bench list` does.  Keywords: a
three-character word (闭门器, in about one title in twenty), two-character words (漏油, 进水; a
trigram index alone does not serve them), a word that no report contains (漏水: the search must
say "none" without reading the table), a customer's name and part of a serial.  The desk's
token and the desk's session read (scope: everything); `api_search_dealer` reads as dealer
staff, so the cost of scoping shows.  The last line: one JSON object; `p50_ms`/`p95_ms` are the
worst over the keywords.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from . import http as bench_http
from .listing import _load

KEYWORDS = ["闭门器", "漏油", "进水", "漏水"]


def add_arguments(parser) -> None:
    parser.add_argument("--tickets", type=int, default=1_000_000,
                        help="load the database to this many tickets first (bulk path); 0 = use what is there")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per keyword and page")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per operation before no new request")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keywords", default=",".join(KEYWORDS),
                        help="comma list; a customer's name and part of a serial are added")
    parser.add_argument("--seed", type=int, default=11)


def run(options: dict, say) -> dict:
    from django.core.management import call_command

    from shouhou.ops.demo import ensure_reference_data
    from shouhou.tickets.models import Ticket

    call_command("migrate", interactive=False, verbosity=0)
    world = ensure_reference_data()
    loaded = _load(options["tickets"], say) if options["tickets"] else {}
    desk, token = bench_http.bench_user()
    dealer_org = world.users["dealer"].organisation
    _dealer, dealer_token = bench_http.bench_user("bench_dealer", role="dealer_staff", organisation=dealer_org)
    credentials = {
        "token": {"Authorization": f"Token {token}", "Accept": "application/json"},
        "dealer": {"Authorization": f"Token {dealer_token}", "Accept": "application/json"},
        "session": {"Cookie": bench_http.session_cookie(desk), "Accept": "text/html"},
    }
    keywords = [k.strip() for k in options["keywords"].split(",") if k.strip()]
    keywords += [world.customers[0].name[:3], world.assets[0].serial_no[2:7]]
    operations = []
    for keyword in keywords:
        q = quote(keyword)
        operations += [(keyword, "api", "token", f"/api/v1/tickets/?q={q}"),
                       (keyword, "html", "session", f"/tickets/?q={q}")]
    operations.append((keywords[0], "api_dealer", "dealer", f"/api/v1/tickets/?q={quote(keywords[0])}"))
    figures: dict = {}
    with bench_http.Server(workers=options["workers"], threads=options["threads"]) as server:
        say(f"gunicorn on 127.0.0.1:{server.port}, {server.workers} workers × {server.threads} threads")
        for keyword, page, credential, path in operations:
            clients = [bench_http.Client(server.port, credentials[credential]) for _ in range(options["clients"])]
            hits: list[int] = []

            def op(client, _i, path=path, hits=hits):
                status, data = client.request("GET", path)
                bench_http.expect(status, data)
                if data[:1] == b"{":
                    hits.append(json.loads(data)["count"])

            bench_http.run_load(clients, op, 2 * len(clients), options["budget"])
            result = bench_http.run_load(clients, op, options["requests"], options["budget"])
            for client in clients:
                client.close()
            summary = result.summary()
            if hits:
                summary["count"] = hits[-1]
            figures[f"{page}:{keyword}"] = summary
            say(f"{page} {keyword}: {json.dumps(summary, ensure_ascii=False)}")
    p50 = [f["p50_ms"] for f in figures.values() if f["p50_ms"] is not None]
    p95 = [f["p95_ms"] for f in figures.values() if f["p95_ms"] is not None]
    return {
        "bench": "search", "db": bench_http.db_vendor(), "tickets": Ticket.objects.count(),
        "p50_ms": max(p50, default=None), "p95_ms": max(p95, default=None), "clients": options["clients"],
        "workers": server.workers, "threads": server.threads, **loaded,
        "errors": {name: f["errors"] for name, f in figures.items() if f["errors"]},
        "first_errors": {name: f["first_errors"] for name, f in figures.items() if f["errors"]},
        "ops": {name: {k: f.get(k) for k in ("p50_ms", "p95_ms", "n", "count")} for name, f in figures.items()},
    }
