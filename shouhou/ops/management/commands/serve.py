"""`shouhou serve`: migrate, load demo data on first run, compile translations, print the demo
logins and the URL, then serve.

    shouhou serve [--host 127.0.0.1] [--port 8000] [--prod] [--workers N] [--no-demo]

Development (default): Django's runserver, with the in-process background worker
(`core.worker.start_in_process_worker`: outbox delivery, SLA clock scans) in the serving process.
`--prod`: `collectstatic --noinput`, then gunicorn (gthread workers, static files by WhiteNoise)
with the same worker loop as a sibling `shouhou worker` process — unless CELERY_BROKER_URL is
set, in which case Celery does that work.

The start-up steps are plain functions (`prepare`, `gunicorn_command`) so tests and
`shouhou bench` use them without starting a server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

FIRST_RUN_TICKETS = 150


def default_workers(cores: int | None = None) -> int:
    """gunicorn's rule of thumb 2 × cores + 1, capped at 9 (each worker holds a DB connection)."""
    cores = cores or os.cpu_count() or 1
    return min(2 * cores + 1, 9)


def ensure_var_dir() -> Path:
    """The SQLite file, media and collected static files live under var/ by default."""
    var = Path(settings.VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) != ":memory:":
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return var


def prepare(*, demo: bool = True, demo_tickets: int = FIRST_RUN_TICKETS, say=print) -> dict:
    """Everything `serve` does before it listens; returns what happened.

    1. migrate the database (creating var/ for the default SQLite file);
    2. on first run — no user but the system actor exists yet — load the demo data, unless `demo` is False;
    3. compile the gettext catalogues (Babel, no GNU gettext needed).
    """
    from shouhou.accounts.choices import Role
    from shouhou.accounts.models import User
    from shouhou.core.po import compile_all

    ensure_var_dir()
    call_command("migrate", interactive=False, verbosity=0)
    first_run = not User.objects.exclude(role=Role.SYSTEM).exists()  # the system actor comes with migrate
    loaded = None
    if first_run and demo:
        from shouhou.ops.demo import load_demo

        say(f"First run: loading demo data ({demo_tickets} service requests through the services)…")
        loaded = load_demo(tickets=demo_tickets, progress=say)
    compiled = compile_all()
    return {"first_run": first_run, "demo_loaded": loaded is not None,
            "demo_tickets": loaded.tickets if loaded else 0, "catalogues_compiled": compiled}


def demo_login_lines() -> list[str]:
    """One line per demo login that exists in this database (username, password, role zh / en)."""
    from shouhou.accounts.models import User
    from shouhou.ops.demo import login_table

    present = set(User.objects.filter(username__in=[row[0] for row in login_table()])
                  .values_list("username", flat=True))
    rows = [row for row in login_table() if row[0] in present]
    if not rows:
        return []
    lines = ["Demo logins (演示账号) — password for all: " + rows[0][1]]
    lines += [f"  {username:<12} {password:<14} {zh} / {en}" for username, password, zh, en in rows]
    return lines


def gunicorn_command(host: str, port: int, workers: int, *, threads: int = 4,
                     worker_class: str = "gthread", extra: list[str] | None = None) -> list[str]:
    """The production server's command line (used by `serve --prod` and `bench intake`)."""
    return [
        sys.executable, "-m", "gunicorn", "shouhou.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--worker-class", worker_class,
        "--threads", str(threads), "--timeout", "120", "--graceful-timeout", "20",
        "--access-logfile", "-" if os.environ.get("ACCESS_LOG") else "/dev/null", *(extra or []),
    ]


def start_background_worker_process() -> subprocess.Popen | None:
    """Production: the worker loop as a sibling process (None when Celery does the work)."""
    if getattr(settings, "CELERY_BROKER_URL", ""):
        return None
    return subprocess.Popen([sys.executable, "-m", "shouhou.cli", "worker"])  # noqa: S603 - our own CLI


class Command(BaseCommand):
    help = "Migrate, load demo data on first run, print the demo logins and start the web server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--prod", action="store_true", help="gunicorn + WhiteNoise instead of runserver")
        parser.add_argument("--workers", type=int, default=None,
                            help=f"gunicorn workers (default 2×cores+1, capped: {default_workers()})")
        parser.add_argument("--no-demo", action="store_true", help="never load demo data")
        parser.add_argument("--noreload", action="store_true", help="development server without autoreload")

    def handle(self, *args, host, port, prod, workers, no_demo, noreload, **options):
        # runserver's autoreloader re-runs this command in a child (RUN_MAIN=true): set-up is done.
        child = os.environ.get("RUN_MAIN") == "true"
        if not settings.SITE_URL:  # links in messages point here; the worker process inherits it
            os.environ["SITE_URL"] = settings.SITE_URL = f"http://{host}:{port}"
        if not child:
            state = prepare(demo=not no_demo, say=self.stdout.write)
            if state["demo_loaded"]:
                self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {state['demo_tickets']} service requests."))
            for line in demo_login_lines():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS(f"shouhou at http://{host}:{port}/  (Ctrl-C stops)"))
        if prod:
            self.serve_production(host, port, workers or default_workers())
        else:
            self.serve_development(host, port, noreload, child)

    def serve_development(self, host, port, noreload, child):
        if noreload or child:
            # The process that answers requests also runs the background jobs (SLA, outbox).
            from shouhou.core.worker import start_in_process_worker

            start_in_process_worker()
        call_command("runserver", f"{host}:{port}", use_reloader=not noreload, skip_checks=child)

    def serve_production(self, host, port, workers):
        if settings.DEBUG:
            self.stderr.write("warning: DEBUG is on; production mode expects DEBUG=0 and a SECRET_KEY")
        if getattr(settings, "SECURE_SSL_REDIRECT", False) and host in ("127.0.0.1", "localhost"):
            self.stderr.write("note: SECURE_SSL_REDIRECT is on — plain-HTTP requests are redirected to https; "
                              "set SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 to try it on loopback without TLS")
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = start_background_worker_process()
        server = subprocess.Popen(gunicorn_command(host, port, workers))  # noqa: S603 - fixed argv
        stop = lambda signum, frame: server.send_signal(signal.SIGTERM)  # noqa: E731
        signal.signal(signal.SIGTERM, stop)
        try:
            code = server.wait()
        except KeyboardInterrupt:
            server.send_signal(signal.SIGTERM)
            code = server.wait()
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
        if code not in (0, -signal.SIGTERM):
            raise CommandError(f"gunicorn exited with status {code}")
