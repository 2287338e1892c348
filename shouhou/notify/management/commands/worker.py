"""`shouhou worker`: deliver the outbox and scan SLA clocks in a loop, on the same database.

Stops cleanly on SIGTERM or SIGINT: the job in progress finishes (a claimed batch is sent and
marked), then the process exits.  Rows that fell due while no worker ran are picked up at start.
"""

from __future__ import annotations

import json
import signal

from django.core.management.base import BaseCommand

from shouhou.core.worker import Worker, default_jobs


class Command(BaseCommand):
    help = "Run the background worker: outbox delivery and SLA clock scans (Ctrl-C or SIGTERM stops it)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=100, help="most messages delivered per round (default 100)")
        parser.add_argument("--tick", type=float, default=1.0, help="seconds between looks for due jobs")
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args, batch, tick, once, **options):
        worker = Worker(default_jobs(batch=max(1, min(batch, 1000))), tick=tick)
        if once:
            self._print(worker.run_once(force=True))
            return

        def stop(signum, frame):
            self.stderr.write(f"signal {signum}: stopping after the current job")
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stderr.write("worker started; SIGTERM or Ctrl-C stops it")
        worker.run_forever(on_result=self._print_if_busy)
        self.stderr.write("worker stopped")

    def _print(self, results: dict) -> None:
        self.stdout.write(json.dumps(results, default=str, ensure_ascii=False))

    def _print_if_busy(self, results: dict) -> None:
        outbox = results.get("deliver_outbox")
        if not isinstance(outbox, dict) or any(outbox.values()) or len(results) > 1:
            self._print(results)
