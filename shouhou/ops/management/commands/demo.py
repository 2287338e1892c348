"""`shouhou demo [--tickets N] [--seed S] [--reset] [--bulk|--no-bulk]`: realistic Chinese demo data.

Reference data (our company, 3 dealers, 20 customers with sites, products, assets, contracts and
one login per role) is created once and found again on later runs.  Tickets are added on every
run: through the services for small N, through the bulk loader above 2,000 (or with --bulk),
which reports rows/s.  The last line is one JSON object with the figures.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from shouhou.ops.demo import BULK_THRESHOLD, NotADemoDatabase, load_demo, login_table


class Command(BaseCommand):
    help = "Load realistic Chinese demo data: reference data once, plus N service requests."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=200, help="service requests to add (default 200)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same tickets)")
        parser.add_argument("--reset", action="store_true",
                            help="delete every ticket first (reference data stays); refused unless the "
                                 "database holds demo data only")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--bulk", dest="bulk", action="store_true", default=None,
                          help=f"force the fast bulk path (default above {BULK_THRESHOLD} tickets)")
        mode.add_argument("--no-bulk", dest="bulk", action="store_false", help="force the service path")

    def handle(self, *args, tickets, seed, reset, bulk, **options):
        if tickets < 0 or tickets > 5_000_000:
            raise CommandError("--tickets must be between 0 and 5,000,000")
        try:
            result = load_demo(tickets=tickets, seed=seed, reset=reset, bulk=bulk, progress=self.stderr.write)
        except NotADemoDatabase as exc:
            raise CommandError(_("Refusing --reset: this database holds more than demo data, so nothing was "
                                 "deleted. Found: %(found)s") % {"found": "; ".join(exc.found)}) from exc
        self.stdout.write("Demo logins (演示账号):")
        for username, password, zh, en in login_table():
            self.stdout.write(f"  {username:<12} {password:<14} {zh} / {en}")
        self.stdout.write(json.dumps({
            "tickets": result.tickets, "events": result.events, "method": result.method,
            "seconds": round(result.seconds, 2), "rows_per_s": result.rows_per_s,
            "tickets_per_s": round(result.tickets / result.seconds, 1) if result.seconds else 0.0,
            "deleted": result.purged, "customers": len(result.world.customers), "assets": len(result.world.assets),
            "db": connection.vendor,
        }, ensure_ascii=False))
