"""`shouhou bench <name>`: run one benchmark; its figures are ONE JSON object on the last line.

    shouhou bench intake [--clients 8] [--total 3000]      tickets/s through the API (gunicorn)
    shouhou bench list [--tickets 1000000]                  p50/p95 of list, detail and search
    shouhou bench search [--tickets 1000000]                p50/p95 of substring search (闭门器, 漏油, serial …)
    (issue 3 registers `calendar` and `clocks` through shouhou.core.bench.register_bench)
"""

from __future__ import annotations

import json
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

from shouhou.core import bench as registry


class Command(BaseCommand):
    help = "Run a benchmark; the last line of output is one JSON object with its figures."

    def add_arguments(self, parser):
        benchmarks = registry.BENCHMARKS  # read at call time: apps register theirs in ready()
        sub = parser.add_subparsers(dest="benchmark", metavar="{" + ",".join(benchmarks) + "}")
        sub.required = True
        for name, path in benchmarks.items():
            module = import_module(path)
            module.add_arguments(sub.add_parser(name, help=(module.__doc__ or "").strip().split("\n")[0]))

    def handle(self, *args, benchmark, **options):
        benchmarks = registry.BENCHMARKS
        if benchmark not in benchmarks:
            raise CommandError(f"unknown benchmark {benchmark!r}; known: {', '.join(benchmarks)}")
        figures = import_module(benchmarks[benchmark]).run(options, self.stderr.write)
        self.stdout.write(json.dumps(figures, ensure_ascii=False, default=str))
