"""The embedded worker: `shouhou worker`, the in-process thread, periodic jobs (issue 3, "Background work")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from shouhou.core import worker as core_worker
from shouhou.core.worker import Job, Worker, default_jobs
from shouhou.notify import services
from shouhou.notify.choices import OutboxStatus
from shouhou.notify.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
CALLS: list[str] = []


def record_call():
    CALLS.append("called")
    return len(CALLS)


def explode():
    raise RuntimeError("broken job")


def queue(receiver, key="w1"):
    return services.enqueue(channel="webhook", recipient=receiver.url, subject="S", body="B", dedupe_key=key)


def test_default_jobs_are_outbox_delivery_and_the_sla_scan():
    jobs = {job.name: job for job in default_jobs(batch=25)}
    assert jobs["deliver_outbox"].path == "shouhou.notify.services.deliver_due"
    assert jobs["deliver_outbox"].kwargs == {"limit": 25}
    assert jobs["scan_clocks"].path == "shouhou.sla.tasks.scan_clocks"


@pytest.mark.django_db
def test_a_job_whose_module_has_not_landed_is_skipped_quietly():
    job = Job("future", "shouhou.sla.not_yet_written.scan", every=0)
    assert job.resolve() is None and job.missing
    assert Worker([job]).run_once(force=True) == {}


@pytest.mark.django_db
def test_one_failing_job_does_not_stop_the_others(receiver):
    queue(receiver)
    CALLS.clear()
    worker = Worker([
        Job("broken", f"{__name__}.explode", every=0),
        Job("deliver_outbox", "shouhou.notify.services.deliver_due", every=0, kwargs={"limit": 10}),
        Job("counter", f"{__name__}.record_call", every=0),
    ])
    results = worker.run_once()
    assert results["broken"] == "error"
    assert results["deliver_outbox"]["sent"] == 1 and results["counter"] == 1


@pytest.mark.django_db
def test_jobs_run_at_their_interval_only():
    CALLS.clear()
    worker = Worker([Job("counter", f"{__name__}.record_call", every=3600)])
    worker.run_once()
    worker.run_once()
    assert CALLS == ["called"]
    worker.run_once(force=True)
    assert len(CALLS) == 2


@pytest.mark.django_db
def test_worker_command_once_delivers_what_fell_due_while_nothing_ran(receiver, capsys):
    """Timers survive restarts: rows queued while no worker ran go out when one starts."""
    queue(receiver, "a")
    queue(receiver, "b")
    call_command("worker", "--once", "--batch", "10")
    assert len(receiver.requests) == 2
    assert '"sent": 2' in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_in_process_worker_sends_after_commit(receiver, settings):
    settings.CELERY_BROKER_URL = ""
    worker = core_worker.start_in_process_worker()
    try:
        assert worker is core_worker.start_in_process_worker()  # idempotent: one thread per process
        with transaction.atomic():
            row = queue(receiver, "inproc")
            time.sleep(0.3)
            assert receiver.requests == []  # nothing leaves before commit
        receiver.wait_for(1)
    finally:
        core_worker.stop_in_process_worker()
    assert len(receiver.requests) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT


def test_no_in_process_worker_when_celery_is_configured(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert core_worker.start_in_process_worker() is None


@pytest.mark.django_db
def test_worker_process_delivers_and_stops_cleanly_on_sigterm(receiver, tmp_path):
    """`shouhou worker` as its own process on a SQLite file: a row queued while it was down is
    delivered once it starts, and SIGTERM ends it with exit status 0."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}", "DJANGO_SETTINGS_MODULE": "shouhou.settings",
           "SHOUHOU_VAR_DIR": str(tmp_path), "CELERY_BROKER_URL": "",
           "NOTIFY_WEBHOOK_ALLOW_LOOPBACK": "1"}  # the receiver listens on 127.0.0.1
    manage = [sys.executable, str(ROOT / "manage.py")]
    # Fixed argv of our own interpreter and manage.py, no shell: S603 does not apply.
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT, timeout=180)  # noqa: S603
    subprocess.run([*manage, "shell", "-c",  # noqa: S603
                    "from shouhou.notify.services import enqueue; "
                    f"enqueue(channel='webhook', recipient='{receiver.url}', subject='S', body='B', dedupe_key='proc')"],
                   env=env, check=True, cwd=ROOT, timeout=60)
    proc = subprocess.Popen([*manage, "worker", "--tick", "0.2"], env=env, cwd=ROOT,  # noqa: S603
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        receiver.wait_for(1, timeout=30)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "worker stopped" in err
    assert len(receiver.requests) == 1
    assert not OutboxMessage.objects.exists()  # the test database was never touched by the subprocess
