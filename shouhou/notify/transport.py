"""Putting one message on the wire: e-mail through Django's mail backend, webhooks as JSON POST.

No database writes here; `services.deliver_due` decides what a success or a failure means for
the row.  Every failure is a `DeliveryError`; `permanent=True` marks one that retrying cannot fix
(a rejected address, a URL that does not exist), so the row goes straight to "dead".
"""

from __future__ import annotations

import smtplib
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

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


def post_webhook(message) -> None:
    """POST the message in its endpoint's format; raise DeliveryError unless the receiver took it."""
    endpoint = message.endpoint
    request = build_request(message.format, message.recipient, subject=message.subject, body=message.body,
                            payload=message.payload, secret=endpoint.secret if endpoint else "",
                            message_id=message.pk, dedupe_key=message.dedupe_key)
    if not request.url.startswith(("http://", "https://")):
        raise DeliveryError(f"not an http(s) URL: {request.url[:100]}", permanent=True)
    http_request = urllib.request.Request(  # noqa: S310 - scheme checked just above
        request.url, data=request.encoded(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "shouhou-notify/1",
                 **request.headers},
    )
    if message.dedupe_key.isascii():
        # Lets a generic receiver drop the duplicate of the at-least-once window (see services).
        http_request.add_header("Idempotency-Key", message.dedupe_key)
    try:
        with urllib.request.urlopen(http_request, timeout=http_timeout()) as response:  # noqa: S310
            reply = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}", permanent=exc.code in PERMANENT_HTTP) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DeliveryError(f"{exc.__class__.__name__}: {getattr(exc, 'reason', exc)}") from exc
    error = robot_error(message.format, reply)
    if error:
        raise DeliveryError(error)
