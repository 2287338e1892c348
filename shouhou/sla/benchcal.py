"""Benchmark of the working-time core against businesstimedelta (issue 3, ``shouhou bench calendar``).

Pure module (no Django import); a management command wraps :func:`run_calendar_bench`.
``python -m shouhou.sla.benchcal`` prints the figures as one JSON object on its last line.

What is compared
----------------
The mainland-China 5×8 calendar (Asia/Shanghai, 09:00–12:00 and 13:00–18:00 Monday–Friday,
statutory holidays from ``chinese_calendar``) is built twice: in :mod:`shouhou.sla.worktime` and in
businesstimedelta (``WorkDayRule`` 09–18 + ``LunchTimeRule`` 12–13 + ``HolidayRule``).
businesstimedelta cannot express a weekend day that becomes a working day (调休), so the
agreement check and the side-by-side speed figures use our calendar *with the make-up days
removed* — the two calendars are then identical. ``scalar_makeup_per_s`` reports our speed on the
real calendar (with make-up days) too.

The same random cases (start instants between 2024-01-01 and 2026-06-30, whole seconds; amounts
1..2400 whole working minutes) go through three paths: our scalar ``add_duration``, our batch
``add_working_batch`` and businesstimedelta. All arithmetic is exact for such inputs, so
agreement is checked to the microsecond (batch: 1 ms, float64). Everything runs on one core.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from shouhou.sla.holidays import CHINA_TZ, mainland_china_calendar
from shouhou.sla.worktime import WorkCalendar, add_duration, add_working_batch

__all__ = ["run_calendar_bench"]

_WINDOW_START = datetime(2024, 1, 1, tzinfo=UTC)
_WINDOW_SECONDS = int((datetime(2026, 6, 30, tzinfo=UTC) - _WINDOW_START).total_seconds())
_MAX_MINUTES = 2400
_BATCH_SIZE = 1_000_000
_BATCH_CHECK = 20_000


def _reference_rule(cal: WorkCalendar) -> Any:
    """The businesstimedelta rule set equivalent to a 5×8 lunch-break calendar without make-up days."""
    import businesstimedelta  # type: ignore[import-untyped]
    import pytz  # type: ignore[import-untyped]

    tz = pytz.timezone(cal.tz)
    workday = businesstimedelta.WorkDayRule(
        start_time=datetime.min.time().replace(hour=9),
        end_time=datetime.min.time().replace(hour=18),
        working_days=[0, 1, 2, 3, 4],
        tz=tz,
    )
    lunch = businesstimedelta.LunchTimeRule(
        start_time=datetime.min.time().replace(hour=12),
        end_time=datetime.min.time().replace(hour=13),
        working_days=[0, 1, 2, 3, 4],
        tz=tz,
    )
    holidays = businesstimedelta.HolidayRule(frozenset(cal.holidays), tz=tz)
    return businesstimedelta.Rules([workday, lunch, holidays])


def _cases(count: int, seed: int) -> list[tuple[int, int]]:
    """``count`` random (start epoch second, working minutes) pairs."""
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not security
    base = int(_WINDOW_START.timestamp())
    return [(base + rng.randrange(_WINDOW_SECONDS), rng.randint(1, _MAX_MINUTES)) for _ in range(count)]


def _timed_scalar(
    cal: WorkCalendar, cases: list[tuple[int, int]], budget: float
) -> tuple[list[float], float]:
    """Run the scalar path until the cases or the time budget run out; return results and rate."""
    tz = UTC
    results: list[float] = []
    began = time.perf_counter()
    for start, minutes in cases:
        due = add_duration(cal, datetime.fromtimestamp(start, tz), minutes, "working_minutes")
        results.append(due.timestamp())
        if len(results) % 256 == 0 and time.perf_counter() - began > budget:
            break
    elapsed = time.perf_counter() - began
    return results, len(results) / elapsed


def _timed_reference(rule: Any, cases: list[tuple[int, int]], budget: float) -> tuple[list[float], float]:
    """Run businesstimedelta on the cases until they or the time budget run out."""
    import businesstimedelta

    results: list[float] = []
    began = time.perf_counter()
    for start, minutes in cases:
        delta = businesstimedelta.BusinessTimeDelta(rule, timedelta=timedelta(minutes=minutes))
        due = datetime.fromtimestamp(start, UTC) + delta
        results.append(due.timestamp())
        if time.perf_counter() - began > budget:
            break
    elapsed = time.perf_counter() - began
    return results, len(results) / elapsed


def _timed_batch(cal: WorkCalendar, cases: list[tuple[int, int]], size: int) -> tuple[Any, Any, float]:
    """Run the batch path on ``size`` cases (the given ones, tiled); return starts, results, rate."""
    import numpy as np

    pairs = np.array(cases, dtype=np.float64)
    tiled = np.resize(pairs, (size, 2))
    starts, seconds = tiled[:, 0].copy(), tiled[:, 1] * 60.0
    add_working_batch(cal, starts[:1000], seconds[:1000])  # warm the index and its arrays
    began = time.perf_counter()
    due = add_working_batch(cal, starts, seconds)
    elapsed = time.perf_counter() - began
    return tiled, due, size / elapsed


def run_calendar_bench(seconds_budget: float = 4.0, seed: int = 20251001) -> dict[str, Any]:
    """Measure scalar, batch and reference due-time computations; check that they agree.

    Bounded to roughly ``seconds_budget`` seconds plus the fixed batch run (well under a second).
    Returns the figures the ``shouhou bench calendar`` command prints.
    """
    real = mainland_china_calendar("5x8")
    cal = replace(real, makeup_days=(), name="CN 5x8 without make-up days")
    rule = _reference_rule(cal)
    cases = _cases(max(50_000, int(60_000 * seconds_budget)), seed)

    reference, reference_rate = _timed_reference(rule, cases, seconds_budget * 0.45)
    scalar, scalar_rate = _timed_scalar(cal, cases, seconds_budget * 0.3)
    _, makeup_rate = _timed_scalar(real, cases, seconds_budget * 0.15)
    tiled, batch, batch_rate = _timed_batch(cal, cases, _BATCH_SIZE)

    checked_ref = min(len(reference), len(scalar))
    ref_mismatch = sum(1 for a, b in zip(reference, scalar, strict=False) if abs(a - b) > 1e-6)
    checked_batch = min(_BATCH_CHECK, len(scalar))
    batch_mismatch = sum(1 for i in range(checked_batch) if abs(float(batch[i]) - scalar[i]) > 1e-3)
    return {
        "scalar_per_s": round(scalar_rate),
        "batch_per_s": round(batch_rate),
        "reference_per_s": round(reference_rate, 1),
        "ratio_vs_reference": round(scalar_rate / reference_rate, 1),
        "scalar_makeup_per_s": round(makeup_rate),
        "agree": ref_mismatch == 0 and batch_mismatch == 0 and checked_ref > 0,
        "cases": checked_ref,
        "batch_cases": int(tiled.shape[0]),
        "batch_checked": checked_batch,
        "mismatches": ref_mismatch + batch_mismatch,
        "calendar": f"{CHINA_TZ} 5x8 lunch break, statutory holidays, no make-up days (reference cannot express them)",
        "max_working_minutes": _MAX_MINUTES,
    }


def main() -> None:
    """Print the benchmark figures; the last line is one JSON object."""
    figures = run_calendar_bench()
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
