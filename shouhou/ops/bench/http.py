"""What the HTTP benchmarks share: a production server on a free loopback port, API tokens and
sessions for bench users, a bounded threaded load client and percentiles.

Only 127.0.0.1 is ever contacted.  The server is exactly `serve --prod`'s gunicorn command line
(`serve.gunicorn_command`) against the configured DATABASE_URL, run with the plain-HTTP loopback
settings (no TLS redirect) and DEBUG off.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from shouhou.ops.management.commands.serve import default_workers, gunicorn_command

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def pct(sorted_values: list[float], p: float) -> float | None:
    """Linear-interpolated percentile (the peer harness's definition, so figures compare)."""
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(sorted_values) - 1)
    return sorted_values[f] + (sorted_values[c] - sorted_values[f]) * (k - f)


def latency_summary(latencies: list[float]) -> dict:
    s = sorted(latencies)
    return {f"p{p}_ms": round(pct(s, p) * 1000, 1) if s else None for p in (50, 95, 99)}


class Server:
    """gunicorn serving shouhou on a free loopback port for the duration of a `with` block."""

    def __init__(self, workers: int | None = None, threads: int = 4, worker_class: str = "gthread"):
        self.port = free_port()
        self.workers = workers or default_workers()
        self.threads, self.worker_class = threads, worker_class
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(DEBUG="0", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", ALLOWED_HOSTS=HOST,
                   # The same key as this process: the HTML pages' session hash is signed with it.
                   SECRET_KEY=settings.SECRET_KEY, LOG_LEVEL="ERROR")
        db = settings.DATABASES["default"]
        if "DATABASE_URL" not in env and db["ENGINE"].endswith("sqlite3"):
            env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
        return env

    def __enter__(self) -> Server:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        argv = gunicorn_command(HOST, self.port, self.workers, threads=self.threads, worker_class=self.worker_class,
                                extra=["--log-level", "warning"])
        self.process = subprocess.Popen(argv, env=self.env(), stdout=subprocess.DEVNULL)  # noqa: S603 - fixed argv
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/api/v1/")
                conn.getresponse().read()
                conn.close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def bench_user(username: str = "bench", role: str | None = None, organisation=None):
    """A bench user (service desk by default) and its API token, created once."""
    from rest_framework.authtoken.models import Token

    from shouhou.accounts.choices import Role
    from shouhou.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role or Role.SERVICE_DESK, organisation=organisation,
                    first_name="基准测试")
        user.set_unusable_password()
        user.save()
    token, _ = Token.objects.get_or_create(user=user)
    return user, token.key


def session_cookie(user) -> str:
    """A logged-in session for `user`, as the cookie a browser would send (HTML pages)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    capped: bool = False

    def summary(self) -> dict:
        n = len(self.latencies)
        return {"n": n, "errors": len(self.errors), "wall_s": round(self.wall, 2),
                "per_s": round(n / self.wall, 1) if self.wall else None, **latency_summary(self.latencies),
                "budget_capped": self.capped, "first_errors": self.errors[:3]}


class Client:
    """One simulated user with a keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int, headers: dict):
        self.port, self.headers = port, headers
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run_load(clients: list[Client], op: Callable[[Client, int], None], count: int, budget_s: float) -> LoadResult:
    """Run `op(client, i)` `count` times over the clients' threads; no new request after `budget_s`."""
    result = LoadResult()
    lock = threading.Lock()
    counter = iter(range(count))
    start = time.perf_counter()
    deadline = start + budget_s

    def worker(client: Client):
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            if time.perf_counter() > deadline:
                result.capped = True
                return
            t0 = time.perf_counter()
            try:
                op(client, i)
                elapsed = time.perf_counter() - t0
                with lock:
                    result.latencies.append(elapsed)
            except Exception as exc:  # noqa: BLE001 - a failed request is a figure, not a crash
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}"[:300])

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - start
    return result


class BadResponse(Exception):
    """The server answered, but not with what the benchmark expected (counted as an error)."""


def expect(status: int, data: bytes, allowed=(200,)) -> bytes:
    if status not in allowed:
        raise BadResponse(f"HTTP {status}: {data[:160]!r}")
    return data


def db_vendor() -> str:
    return connection.vendor
