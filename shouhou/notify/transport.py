"""Putting one message on the wire: e-mail through Django's mail backend, webhooks as JSON POST.

No database writes here; `services.deliver_due` decides what a success or a failure means for
the row.  Every failure is a `DeliveryError`; `permanent=True` marks one that retrying cannot fix
(a rejected address, a URL that does not exist), so the row goes straight to "dead".
"""

from __future__ import annotations

import http.client
import json
import smtplib
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection

from . import destinations
from .formats import build_request, robot_error

# HTTP answers that a retry will not change; 408 and 429 are "try later" and so are not here.
PERMANENT_HTTP = {400, 401, 403, 404, 405, 410, 413, 422}


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def http_timeout() -> float:
    return float(getattr(settings, "NOTIFY_HTTP_TIMEOUT", 10))


class Mailer:
    """One SMTP connection for a batch, opened on first use and dropped after any error."""

    def __init__(self):
        self._connection = None

    def send(self, message) -> None:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False, timeout=http_timeout())
        email = EmailMessage(subject=message.subject, body=message.body,
                             from_email=settings.DEFAULT_FROM_EMAIL, to=[message.recipient],
                             connection=self._connection,
                             headers={"X-Shouhou-Outbox-Id": str(message.pk)})
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            raise DeliveryError(f"SMTP refused recipient: {exc.recipients}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(f"SMTP: {exc.__class__.__name__}: {exc}") from exc

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except (smtplib.SMTPException, OSError):
                pass  # the connection is already broken; nothing more to tell
            self._connection = None


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address vetted by `destinations.resolve`, never to a fresh DNS answer."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same for TLS: the certificate is still checked against the URL's host name."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _send(url: str, data: bytes | None, headers: dict, method: str = "POST") -> tuple[int, str, bytes]:
    """POST (or GET) once to a vetted address of `url`'s host; redirects are answers, never followed."""
    parts = urlsplit(url)
    try:
        addresses = destinations.resolve(url)
    except ValidationError as exc:
        raise DeliveryError(f"refused destination {parts.hostname}: {exc.messages[0]}", permanent=True) from exc
    except (OSError, UnicodeError) as exc:
        raise DeliveryError(f"cannot resolve {parts.hostname}: {exc}") from exc
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, parts.port, addresses[0], http_timeout())
    path = parts.path or "/"
    try:
        connection.request(method, f"{path}?{parts.query}" if parts.query else path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.reason, response.read(65536)
    finally:
        connection.close()


def post_webhook(message) -> None:
    """POST the message in its endpoint's format; raise DeliveryError unless the receiver took it.

    The receiver's host must resolve to allowed addresses only (notify.destinations), and a
    redirect is a permanent failure: following it could lead anywhere, inside our network too.
    """
    endpoint = message.endpoint
    request = build_request(message.format, message.recipient, subject=message.subject, body=message.body,
                            payload=message.payload, secret=endpoint.secret if endpoint else "",
                            message_id=message.pk, dedupe_key=message.dedupe_key)
    if not request.url.startswith(("http://", "https://")):
        raise DeliveryError(f"not an http(s) URL: {request.url[:100]}", permanent=True)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "shouhou-notify/1",
               **request.headers}
    if message.dedupe_key.isascii():
        # Lets a generic receiver drop the duplicate of the at-least-once window (see services).
        headers["Idempotency-Key"] = message.dedupe_key
    try:
        status, reason, reply = _send(request.url, request.encoded(), headers)
    except DeliveryError:
        raise
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise DeliveryError(f"{exc.__class__.__name__}: {exc}") from exc
    if 300 <= status < 400:
        raise DeliveryError(f"HTTP {status} {reason}: redirect not followed", permanent=True)
    if status >= 400:
        raise DeliveryError(f"HTTP {status} {reason}", permanent=status in PERMANENT_HTTP)
    error = robot_error(message.format, reply)
    if error:
        raise DeliveryError(error)


def call_json(url: str, body: dict | None = None, *, headers: dict | None = None, method: str = "POST") -> dict:
    """One JSON request to a provider's HTTP API (SMS, chat apps) through the same vetted,
    redirect-refusing connection as webhooks; the decoded JSON reply, or DeliveryError."""
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"not an http(s) URL: {url[:100]}", permanent=True)
    data = None if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    all_headers = {"User-Agent": "shouhou-notify/1", **({"Content-Type": "application/json; charset=utf-8"}
                                                         if data is not None else {}), **(headers or {})}
    try:
        status, reason, reply = _send(url, data, all_headers, method)
    except DeliveryError:
        raise
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise DeliveryError(f"{exc.__class__.__name__}: {exc}") from exc
    if 300 <= status < 400:
        raise DeliveryError(f"HTTP {status} {reason}: redirect not followed", permanent=True)
    if status >= 400:
        raise DeliveryError(f"HTTP {status} {reason}", permanent=status in PERMANENT_HTTP)
    try:
        answer = json.loads(reply.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise DeliveryError(f"reply is not JSON: {reply[:200]!r}") from None
    if not isinstance(answer, dict):
        raise DeliveryError(f"unexpected reply {answer!r:.200}")
    return answer
