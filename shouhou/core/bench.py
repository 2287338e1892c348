"""`shouhou bench <name>`: benchmarks that print their figures as ONE JSON object on the last line.

Each benchmark is a module with `add_arguments(parser)` and `run(options, say) -> dict`, named
here by dotted path and imported only when run, so every app registers its own without core
importing it — the ops app `intake` and `list`, the sla app `calendar` and `clocks`:

    from shouhou.core.bench import register_bench
    register_bench("calendar", "shouhou.sla.bench_calendar")   # in SlaConfig.ready()

The command itself (`shouhou bench`) lives on the top floor, in the ops app.
"""

from __future__ import annotations

BENCHMARKS: dict[str, str] = {}


def register_bench(name: str, module_path: str) -> None:
    """Add (or replace) the benchmark `shouhou bench <name>`."""
    BENCHMARKS[name] = module_path
