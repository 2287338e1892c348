"""The Celery application for production: several workers on Redis or RabbitMQ.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 celery -A shouhou.celery worker -B -l info
    CELERY_BROKER_URL=amqp://guest:guest@127.0.0.1:5672// celery -A shouhou.celery worker -l info
    CELERY_BROKER_URL=… celery -A shouhou.celery beat        # exactly one beat per deployment

The beat schedule sends the same jobs the embedded worker runs (core/worker.py).  Any number of
workers may consume them at once: outbox claims use SKIP LOCKED / conditional updates, so no
message is sent twice, and each scan is idempotent.  Periodic tasks expire, so a backlog after an
outage does not pile up: the next run picks up everything that fell due meanwhile.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhou.settings")

app = Celery("shouhou")
# CELERY_* Django settings configure the app (CELERY_BROKER_URL → broker_url, …).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_ignore_result=True,
    task_acks_late=False,  # delivery state lives in the outbox rows, not in the broker
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
    beat_schedule={
        "deliver-outbox": {
            "task": "shouhou.notify.deliver_outbox",
            "schedule": float(os.environ.get("WORKER_OUTBOX_INTERVAL", "5")),
            "options": {"expires": 30},
        },
        "scan-clocks": {
            "task": "shouhou.notify.scan_clocks",
            "schedule": float(os.environ.get("WORKER_SLA_INTERVAL", "30")),
            "options": {"expires": 120},
        },
        "check-calendars": {
            "task": "shouhou.notify.check_calendars",
            "schedule": float(os.environ.get("WORKER_CALENDAR_INTERVAL", "3600")),
            "options": {"expires": 1800},
        },
    },
)
app.autodiscover_tasks(["shouhou.notify"])
