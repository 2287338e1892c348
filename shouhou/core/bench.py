"""`shouhou bench <name>`: benchmarks that print their figures as ONE JSON object on the last line.

Each benchmark is a module with `add_arguments(parser)` and `run(options, say) -> dict`, named
here by dotted path and imported only when run, so a benchmark of a higher app (issue 3's
`calendar` and `clocks`) registers itself without core importing it:

    from shouhou.core.bench import register_bench
    register_bench("calendar", "shouhou.sla.bench_command")   # in SlaConfig.ready()
"""

from __future__ import annotations

BENCHMARKS: dict[str, str] = {
    "intake": "shouhou.ops.bench.intake",
    "list": "shouhou.ops.bench.listing",
}


def register_bench(name: str, module_path: str) -> None:
    """Add (or replace) the benchmark `shouhou bench <name>`."""
    BENCHMARKS[name] = module_path
