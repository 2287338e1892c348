"""`shouhou bench intake`: tickets created through the HTTP API by concurrent clients against the
production server (gunicorn, as `serve --prod`) on the configured database.

Each client holds a token of the bench desk user and POSTs /api/v1/tickets/ with a realistic
Chinese fault report naming a known serial number (so open_ticket resolves asset, contract and
warranty like a real report).  Bounded by --total and --budget.  Use a fresh database: the
benchmark adds the demo reference data and --total tickets.
"""

from __future__ import annotations

import json
import random

from . import http as bench_http
from .plan import ensure_bench_plan


def add_arguments(parser) -> None:
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--total", type=int, default=3000, help="tickets to create (default 3000, like the peer W1)")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds after which no new request starts")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default as serve --prod)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--plan", default="bench", choices=["bench", "demo"],
                        help="bench (default): every contract without tickets on the five-target BENCH plan with "
                             "four escalation rules (ops/bench/plan.py); demo: the seed plans as loaded")
    parser.add_argument("--prepare-only", action="store_true",
                        help="migrate, load the reference data and the plan, then stop (benchmarks/w1_side_by_side.sh)")


def run(options: dict, say) -> dict:
    from django.core.management import call_command

    from shouhou.ops.demo import ensure_reference_data
    from shouhou.ops.demo.reference import CATEGORY_OF
    from shouhou.ops.demo.text import fault_text
    from shouhou.tickets.models import Ticket

    call_command("migrate", interactive=False, verbosity=0)
    world = ensure_reference_data()
    plans = ensure_bench_plan(world.users["dispatcher"]) if options["plan"] == "bench" else None
    _user, token = bench_http.bench_user()
    if options["prepare_only"]:
        return {"bench": "intake", "prepared": True, "bench_plan_contracts": plans, "db": bench_http.db_vendor(),
                "tickets_in_db": Ticket.objects.count()}
    rnd = random.Random(options["seed"])  # noqa: S311 - reproducible workload, not secrets
    bodies = []
    for _ in range(options["total"] + 2 * options["clients"]):
        asset = rnd.choice(world.assets)
        text = fault_text(rnd, CATEGORY_OF.get(asset.product_model.code, "fire_door"))
        bodies.append(json.dumps({
            "title": text["title"], "description": text["description"], "channel": "api",
            "severity": rnd.choice([1, 2, 2, 3, 3, 3]), "serial": asset.serial_no,
            "reporter_name": text["reporter_name"], "reporter_phone": text["reporter_phone"],
        }, ensure_ascii=False).encode())
    before = Ticket.objects.count()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}

    with bench_http.Server(workers=options["workers"], threads=options["threads"], worker_class=options["worker_class"]) as server:
        say(f"gunicorn on 127.0.0.1:{server.port}, {server.workers} workers × {server.threads} threads")
        clients = [bench_http.Client(server.port, headers) for _ in range(options["clients"])]
        warm = iter(bodies[options["total"]:])

        def warm_up(client, _i):
            bench_http.expect(*client.request("POST", "/api/v1/tickets/", next(warm)), allowed=(201,))

        bench_http.run_load(clients, warm_up, 2 * len(clients), 60)  # connections and workers warm

        def create(client, i):
            bench_http.expect(*client.request("POST", "/api/v1/tickets/", bodies[i]), allowed=(201,))

        result = bench_http.run_load(clients, create, options["total"], options["budget"])
        for client in clients:
            client.close()
    summary = result.summary()
    return {
        "bench": "intake", "tickets_per_s": summary["per_s"], "p50_ms": summary["p50_ms"],
        "p95_ms": summary["p95_ms"], "p99_ms": summary["p99_ms"], "n": summary["n"], "errors": summary["errors"],
        "first_errors": summary["first_errors"], "budget_capped": summary["budget_capped"],
        "wall_s": summary["wall_s"], "clients": options["clients"], "workers": server.workers,
        "threads": server.threads, "worker_class": server.worker_class, "db": bench_http.db_vendor(),
        "plan": options["plan"], "bench_plan_contracts": plans,
        "tickets_in_db": Ticket.objects.count(), "tickets_created": Ticket.objects.count() - before,
    }
