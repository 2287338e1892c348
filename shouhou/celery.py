"""The Celery application for production: several workers on Redis or RabbitMQ.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 celery -A shouhou.celery worker -B -l info
    CELERY_BROKER_URL=amqp://guest:guest@127.0.0.1:5672// celery -A shouhou.celery worker -l info
    CELERY_BROKER_URL=… celery -A shouhou.celery beat        # exactly one beat per deployment

The tasks and the beat schedule are built from the one declaration of the background jobs,
settings.BACKGROUND_JOBS (core.worker.declared_jobs), which the embedded worker reads too: one
task per job, named after the app that owns it ("shouhou.sla.scan_clocks"), running the same
function with the same interval setting.  Any number of workers may consume them at once: outbox
claims use SKIP LOCKED / conditional updates, so no message is sent twice, and each scan is
idempotent.  Periodic tasks expire, so a backlog after an outage does not pile up: the next run
picks up everything that fell due meanwhile.
"""

from __future__ import annotations

import os
from importlib import import_module

from celery import Celery, shared_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhou.settings")

from shouhou.core.worker import DEFAULT_BATCH, Declared, declared_jobs  # noqa: E402 - needs the settings module named

app = Celery("shouhou")
# CELERY_* Django settings configure the app (CELERY_BROKER_URL → broker_url, …).
app.config_from_object("django.conf:settings", namespace="CELERY")


def job_task(job: Declared):
    """A Celery task that runs the job's function (resolved when it runs, after Django is set up)."""

    def run(**kwargs):
        module_path, _, attr = job.path.rpartition(".")
        return getattr(import_module(module_path), attr)(**kwargs)

    run.__doc__ = f"Background job {job.name}: {job.path} (settings.BACKGROUND_JOBS)."
    # shared: every Celery app in the process (a test's own app too) knows the job tasks.
    return shared_task(run, name=job.task_name, ignore_result=False, job_path=job.path)


JOBS = declared_jobs()
TASKS = {job.name: job_task(job) for job in JOBS}

app.conf.update(
    task_ignore_result=True,
    task_acks_late=False,  # delivery state lives in the outbox rows, not in the broker
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
    beat_schedule={
        job.name: {
            "task": job.task_name,
            "schedule": job.every,
            "kwargs": {job.batch: DEFAULT_BATCH} if job.batch else {},
            "options": {"expires": job.expires},
        }
        for job in JOBS
    },
)
