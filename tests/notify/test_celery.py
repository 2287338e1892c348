"""The production path: Celery workers on Redis or RabbitMQ at 127.0.0.1 (issue 3, "Background work").

A real worker (celery.contrib.testing) consumes the task from a real broker.  Each run uses its own
queue so other test runs on the same broker never take our tasks.  Skipped cleanly when a broker
is down; the machines and CI have both up.
"""

from __future__ import annotations

import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from kombu import Connection

import shouhou.celery  # noqa: F401 - registers the job tasks with every Celery app
from shouhou.notify import services
from shouhou.notify.choices import OutboxStatus
from shouhou.notify.models import OutboxMessage

BROKERS = {
    "redis": "redis://127.0.0.1:6379/15",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
}


def broker_up(url: str) -> bool:
    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@pytest.fixture(params=sorted(BROKERS))
def broker(request):
    url = BROKERS[request.param]
    if not broker_up(url):
        pytest.skip(f"{request.param} is not running on 127.0.0.1")
    return url


def test_beat_schedule_sends_registered_tasks():
    from shouhou.celery import app

    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert names == {"shouhou.notify.deliver_outbox", "shouhou.sla.scan_clocks", "shouhou.sla.check_calendars",
                     "shouhou.core.purge_idempotency_keys", "shouhou.retention.apply_retention",
                     "shouhou.dispatch.check_roster"}
    assert names <= set(app.tasks.keys())
    assert all(entry["options"]["expires"] for entry in app.conf.beat_schedule.values())  # scans expire


def test_the_worker_and_celery_beat_run_the_same_jobs_at_the_same_intervals():
    """Issue 7: the background jobs are declared once (settings.BACKGROUND_JOBS); the embedded
    worker and Celery beat both read that declaration and its interval settings."""
    from shouhou.celery import app
    from shouhou.core.worker import default_jobs

    worker = {job.name: (job.path, job.every, job.kwargs) for job in default_jobs()}
    beat = {name: (app.tasks[entry["task"]].job_path, entry["schedule"], entry["kwargs"])
            for name, entry in app.conf.beat_schedule.items()}
    assert worker == beat
    assert set(worker) == {"deliver_outbox", "scan_clocks", "purge_idempotency_keys", "apply_retention",
                           "check_calendars", "check_roster"}


def test_each_interval_is_read_from_its_setting_by_the_declaration_both_use(settings):
    from shouhou.core.worker import declared_jobs, default_jobs

    settings.WORKER_SLA_INTERVAL = 7
    assert {j.name: j.every for j in default_jobs()}["scan_clocks"] == 7
    assert {j.name: j.every for j in declared_jobs()}["scan_clocks"] == 7


def test_the_clock_scan_task_belongs_to_the_sla_app():
    from shouhou.celery import TASKS

    assert TASKS["scan_clocks"].name == "shouhou.sla.scan_clocks"
    assert TASKS["scan_clocks"].job_path == "shouhou.sla.tasks.scan_clocks"


def test_celery_app_reads_the_broker_from_django_settings(settings):
    app = Celery("probe", set_as_current=False)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/3"
    app.config_from_object("django.conf:settings", namespace="CELERY")
    assert app.conf.broker_url == "redis://127.0.0.1:6379/3"


@pytest.mark.django_db
def test_task_bodies_run_eagerly(receiver):
    from shouhou.celery import TASKS

    services.enqueue(channel="webhook", recipient=receiver.url, subject="S", body="B", dedupe_key="eager")
    assert TASKS["deliver_outbox"].apply(kwargs={"limit": 5}).get()["sent"] == 1
    assert len(receiver.requests) == 1


def test_the_scan_clocks_task_runs_the_sla_scan(monkeypatch):
    from shouhou.celery import TASKS

    monkeypatch.setattr("shouhou.sla.tasks.scan_clocks", lambda: {"scanned": 3})
    assert TASKS["scan_clocks"].apply().get() == {"scanned": 3}


@pytest.mark.django_db(transaction=True)
def test_real_celery_worker_delivers_the_outbox_once(broker, receiver):
    """Given two due messages, when a Celery worker on a real broker runs deliver_outbox twice
    (beat fired twice), then each message is sent exactly once."""
    queue = f"shouhou-test-{uuid.uuid4().hex[:8]}"
    app = Celery("shouhou-test", set_as_current=False)
    app.conf.update(broker_url=broker, task_default_queue=queue, task_ignore_result=True,
                    broker_connection_retry_on_startup=True, worker_hijack_root_logger=False)
    for key in ("c1", "c2"):
        services.enqueue(channel="webhook", recipient=receiver.url, subject="S", body="B", dedupe_key=key)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        for _ in range(2):
            app.send_task("shouhou.notify.deliver_outbox", kwargs={"limit": 10}, queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() < 2:
            time.sleep(0.1)
        time.sleep(0.5)  # let the second task run too
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2
    assert sorted(r["json"]["dedupe_key"] for r in receiver.requests) == ["c1", "c2"]
