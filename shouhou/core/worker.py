"""The embedded background worker: outbox delivery and SLA clock scans without any other service.

Three ways to run the same jobs (issue 3, "Background work"):

* in-process — `start_in_process_worker()`, called by `shouhou serve` when no CELERY_BROKER_URL
  is set: a daemon thread in the web server process (the `make run` default);
* `shouhou worker` — the same loop as its own process on the same database;
* Celery — `shouhou/celery.py`: a task per job and a beat schedule built from the same table.

The jobs are declared once, in settings.BACKGROUND_JOBS (`declared_jobs`): both this worker and
Celery beat read it.  Jobs are named by dotted path and resolved lazily, so this lowest layer
imports no domain app and an app that has not landed yet is simply skipped.  Every job is safe to run in
several processes at once and picks up whatever fell due while nothing ran, so timers survive
restarts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import connection, connections

logger = logging.getLogger("shouhou.worker")


def recycle_connections() -> None:
    """Drop broken or expired connections between jobs, as Django does between requests.

    A connection inside an atomic block (a caller's transaction, a test) is left alone.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


@dataclass
class Job:
    """A periodic job: `path` is "module.function"; `every` in seconds; `kwargs` passed each call."""

    name: str
    path: str
    every: float
    kwargs: dict = field(default_factory=dict)
    last_run: float = float("-inf")
    func: Callable | None = None
    missing: bool = False

    def resolve(self) -> Callable | None:
        """The function, or None while its module or attribute does not exist (logged once)."""
        if self.func is None and not self.missing:
            module_path, _, attr = self.path.rpartition(".")
            try:
                self.func = getattr(import_module(module_path), attr)
            except ModuleNotFoundError as exc:
                if exc.name and module_path.startswith(exc.name):
                    self.missing = True
                    logger.info("worker job %s skipped: %s not installed", self.name, module_path)
                else:
                    raise
            except AttributeError:
                self.missing = True
                logger.info("worker job %s skipped: %s has no %s", self.name, module_path, attr)
        return self.func


@dataclass(frozen=True)
class Declared:
    """One row of settings.BACKGROUND_JOBS, with its interval read from its setting."""

    name: str
    path: str
    every: float
    expires: float
    batch: str | None = None

    @property
    def task_name(self) -> str:
        """The Celery task's name: the owning app's, e.g. "shouhou.sla.scan_clocks"."""
        return f"shouhou.{self.path.split('.')[1]}.{self.name}"


def declared_jobs() -> list[Declared]:
    """The background jobs as settings.BACKGROUND_JOBS declares them (the worker's and beat's one source)."""
    jobs: dict[str, dict[str, Any]] = settings.BACKGROUND_JOBS
    return [
        Declared(name, spec["path"], float(getattr(settings, spec["every"])), float(spec["expires"]), spec.get("batch"))
        for name, spec in jobs.items()
    ]


DEFAULT_BATCH = 100  # what a job that takes a batch size gets per run (the worker's --batch, Celery beat's)


def default_jobs(batch: int = DEFAULT_BATCH) -> list[Job]:
    """The declared jobs for this process's loop; `batch` bounds the jobs that take a batch size
    (outbox delivery).  By default: outbox delivery every few seconds, the SLA clock scan every
    half minute, the calendars' check and the clean-up of expired Idempotency-Keys every hour,
    and retention daily."""
    return [
        Job(job.name, job.path, every=job.every, kwargs={job.batch: batch} if job.batch else {})
        for job in declared_jobs()
    ]


class Worker:
    """Runs due jobs in a loop until `stop()`; `wake()` makes it look again at once (new outbox rows)."""

    def __init__(self, jobs: list[Job] | None = None, *, tick: float = 1.0):
        self.jobs = jobs if jobs is not None else default_jobs()
        self.tick = tick
        self._stop = threading.Event()
        self._wake = threading.Event()

    def run_once(self, *, force: bool = False) -> dict:
        """Run every job whose interval has passed (all of them with `force`); return their results."""
        results = {}
        for job in self.jobs:
            if self._stop.is_set():
                break
            now = time.monotonic()
            if not force and now - job.last_run < job.every:
                continue
            job.last_run = now
            recycle_connections()
            try:
                func = job.resolve()
                if func is not None:
                    results[job.name] = func(**job.kwargs)
            except Exception:
                # One failing job must not stop the others, nor the loop.
                logger.exception("worker job %s failed", job.name)
                results[job.name] = "error"
            finally:
                recycle_connections()
        return results

    def run_forever(self, on_result: Callable[[dict], None] | None = None) -> None:
        while not self._stop.is_set():
            woken = self._wake.is_set()
            self._wake.clear()
            if woken:
                for job in self.jobs:
                    if job.name == "deliver_outbox":
                        job.last_run = float("-inf")
            results = self.run_once()
            if results and on_result:
                on_result(results)
            self._wake.wait(self.tick)
        connection.close()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


_lock = threading.Lock()
_in_process: tuple[Worker, threading.Thread] | None = None


def start_in_process_worker() -> Worker | None:
    """Start the worker thread in this process unless Celery is configured; idempotent.

    Returns the worker (or None when CELERY_BROKER_URL is set: Celery workers do the job then).
    """
    global _in_process
    if getattr(settings, "CELERY_BROKER_URL", ""):
        return None
    with _lock:
        if _in_process is None or not _in_process[1].is_alive():
            worker = Worker()
            thread = threading.Thread(target=worker.run_forever, name="shouhou-worker", daemon=True)
            thread.start()
            _in_process = (worker, thread)
            logger.info("in-process worker started")
        return _in_process[0]


def stop_in_process_worker(timeout: float = 10.0) -> None:
    """Stop the thread after its current job (server shutdown, tests)."""
    global _in_process
    with _lock:
        if _in_process is not None:
            worker, thread = _in_process
            worker.stop()
            thread.join(timeout)
            _in_process = None


def wake() -> None:
    """New work was committed: let the in-process worker (if this process runs one) look now."""
    current = _in_process
    if current is not None:
        current[0].wake()
