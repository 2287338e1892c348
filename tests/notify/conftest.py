"""Local receivers for the notify tests: an SMTP server (aiosmtpd) and an HTTP receiver, both on 127.0.0.1.

Nothing in these tests talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """An HTTP receiver on a random port.  `replies` is a queue of (status, body) answers; when it is
    empty the receiver answers `default`.  `stop()` and `start()` simulate an outage on the same port."""

    def __init__(self):
        self.port = free_port()
        self.requests: list[dict] = []
        self.replies: list[tuple[int, bytes]] = []
        self.default = (200, b'{"errcode":0,"errmsg":"ok","code":0}')
        self.lock = threading.Lock()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status, body = receiver.replies.pop(0) if receiver.replies else receiver.default
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "raw": raw,
                                              "json": json.loads(raw or b"null"), "status": status,
                                              "method": self.command})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815 - access-token requests of the chat apps (GET, no body)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def accepted(self) -> list[dict]:
        return [r for r in self.requests if 200 <= r["status"] < 300]

    def wait_for(self, n: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.requests) < n:
            time.sleep(0.05)
        return self.requests


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


class Mailbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 and Django's SMTP backend pointed at it; yields the mailbox."""
    controller_mod = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is in the test extras")
    mailbox = Mailbox()
    port = free_port()
    controller = controller_mod.Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "shouhou@example.test"
    yield mailbox
    controller.stop()


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 30
    settings.NOTIFY_RETRY_MAX_SECONDS = 3600
    settings.NOTIFY_MAX_ATTEMPTS = 4
    settings.NOTIFY_HTTP_TIMEOUT = 3


@pytest.fixture(autouse=True)
def plain_http(settings):
    # Production settings redirect to HTTPS when DEBUG is off; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The shared `world` fixture hashes eleven passwords per test; PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
