"""`shouhou bench calendar`: due-time arithmetic per second, scalar and batch, against
businesstimedelta on identical calendars in the same run, with agreement checked (issue 3)."""

from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument("--seconds", type=float, default=4.0, help="time budget for the scalar and reference loops")
    parser.add_argument("--seed", type=int, default=20251001)


def run(options: dict, say=print) -> dict:
    # Imported here: businesstimedelta (the reference) is a benchmark extra, not a runtime dependency.
    from .benchcal import run_calendar_bench

    say("Computing due times on the mainland-China 5x8 calendar (one core)…")
    return {"bench": "calendar", **run_calendar_bench(seconds_budget=options["seconds"], seed=options["seed"])}
