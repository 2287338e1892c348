"""The only code that changes outbox rows: queue a message, deliver due ones, retry by hand.

Writing: `enqueue` (and the `notify_*` helpers) run inside the caller's transaction, so a
message exists exactly when the event that caused it committed.  Nothing is sent from here
during the request; a worker sends after commit.

Sending — at most once per row, with one documented window.  `deliver_due` first *claims* a
row (pending/failed → sending, committed, with `claimed_at` as the claim's token), then sends,
then marks it sent.  Two workers never claim the same row: PostgreSQL uses
``SELECT … FOR UPDATE SKIP LOCKED``; SQLite (one file, one writer at a time) a conditional
``UPDATE … WHERE status IN (pending, failed)`` that only one claimer can win.  If a worker dies
*after* the receiver took the message but *before* the row is marked sent, the claim expires
(`NOTIFY_CLAIM_TIMEOUT_SECONDS`) and the row is sent again: that crash window is the only
at-least-once case.  Webhook requests carry the dedupe key as `Idempotency-Key` so a receiver can
drop such a duplicate.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.core.privacy import mask_phones_in_text, may_see_full_phone

from . import chatapps, sms, throttle
from .choices import (
    DUE_STATES,
    RETRYABLE_STATES,
    ROBOT_FORMATS,
    Channel,
    ChatApp,
    OutboxStatus,
    ReceiptStatus,
    WebhookFormat,
)
from .models import Notification, OutboxMessage, WebhookEndpoint, can_manage_outbox, validate_webhook_url
from .transport import DeliveryError, Mailer, post_webhook

logger = logging.getLogger("shouhou.notify")

# Rows claimed per round trip.  Small, so a claim is never held much longer than the
# handful of sends it covers (each bounded by NOTIFY_HTTP_TIMEOUT).
CLAIM_CHUNK = 10


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 8))


def claim_timeout() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "NOTIFY_CLAIM_TIMEOUT_SECONDS", 600)))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter after the `attempts`-th failed attempt.

    base · 2^(attempts-1), capped, then "equal jitter": half fixed, half random, so workers that
    failed together (a receiver was down) do not all come back in the same second.
    """
    base = float(getattr(settings, "NOTIFY_RETRY_BASE_SECONDS", 30))
    cap = float(getattr(settings, "NOTIFY_RETRY_MAX_SECONDS", 3600))
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay / 2 + secrets.SystemRandom().uniform(0, delay / 2))


def _wake_worker() -> None:
    from shouhou.core import worker

    worker.wake()


# ---------------------------------------------------------------------------------------- queue

# A mobile or landline number as an SMS provider takes it: digits, an optional +, separators.
SMS_RECIPIENT = re.compile(r"^\+?[0-9][0-9 -]{4,18}[0-9]$")


def _validate_recipient(channel: str, recipient: str, format: str) -> None:  # noqa: A002
    if channel == Channel.EMAIL:
        validate_email(recipient)
    elif channel == Channel.WEBHOOK:
        validate_webhook_url(recipient)
    elif channel == Channel.SMS:
        if not SMS_RECIPIENT.match(recipient):
            raise ValidationError("bad phone number")
    elif not recipient or len(recipient) > 100 or format not in ChatApp.values:
        raise ValidationError("bad chat account")


def _about(obj) -> dict:
    if obj is None:
        return {}
    return {"about_type": ContentType.objects.get_for_model(obj), "about_id": obj.pk}


def enqueue(*, channel: str, recipient: str, subject: str, body: str, payload: dict | None = None,
            dedupe_key: str, format: str = WebhookFormat.GENERIC,  # noqa: A002 - the brief's name
            endpoint: WebhookEndpoint | None = None, about=None) -> OutboxMessage:
    """Queue one message in the caller's transaction; the same `dedupe_key` never queues twice.

    `about` is the object the message concerns (a ticket): only people who may see that object
    may read the message in the outbox (OutboxMessage.visible_to).  A message about nothing is
    seen by the outbox's managers only.

    Returns the row — the one just written, or the one an earlier call with the same key wrote
    (its content is kept as it was).  Raises ServiceError `bad_channel`, `bad_recipient` or
    `dedupe_key_required` for input no worker could ever send.
    """
    if channel not in Channel.values:
        raise ServiceError("bad_channel", _("Unknown channel: %(channel)s") % {"channel": channel}, "channel")
    if format not in WebhookFormat.values:
        raise ServiceError("bad_format", _("Unknown webhook format: %(format)s") % {"format": format}, "format")
    dedupe_key = (dedupe_key or "").strip()
    if not dedupe_key or len(dedupe_key) > 255:
        raise ServiceError("dedupe_key_required", _("A dedupe key of at most 255 characters is required."),
                           "dedupe_key")
    recipient = (recipient or "").strip()
    try:
        _validate_recipient(channel, recipient, format)
    except ValidationError:
        raise ServiceError("bad_recipient", _("Not a valid recipient: %(recipient)s") % {"recipient": recipient},
                           "recipient") from None
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "channel": channel, "recipient": recipient, "subject": subject[:255], "body": body,
            "payload": payload or {}, "endpoint": endpoint,
            "format": format if channel in (Channel.WEBHOOK, Channel.CHAT) else WebhookFormat.GENERIC,
            **_about(about),
        },
    )
    if created:
        transaction.on_commit(_wake_worker)
    return message


def notify_user(user, *, subject: str, body: str, dedupe_key: str, payload: dict | None = None, about=None):
    """E-mail one user.  Returns the row, or None for a user without an e-mail address or inactive.

    `about` (the ticket the message is about) decides who may read the row in the outbox, and
    phone numbers in the text are masked unless `user` may see them in full for it
    (core.privacy.may_see_full_phone)."""
    if not user.is_active or not user.email:
        return None
    if not may_see_full_phone(user, about):
        subject, body = mask_phones_in_text(subject), mask_phones_in_text(body)
    return enqueue(channel=Channel.EMAIL, recipient=user.email, subject=subject, body=body,
                   payload=payload, dedupe_key=f"{dedupe_key}:email:{user.pk}", about=about)


def notify_users(users, *, subject: str, body: str, dedupe_key: str, payload: dict | None = None,
                 about=None) -> list:
    """E-mail each user once (duplicates in `users` collapse through the dedupe key)."""
    rows = (notify_user(u, subject=subject, body=body, dedupe_key=dedupe_key, payload=payload, about=about)
            for u in users)
    return [row for row in rows if row is not None]


def notify_role(role: str, *, subject: str, body: str, dedupe_key: str, payload: dict | None = None,
                about=None) -> list:
    """E-mail every active user with `role` (e.g. dispatcher, leadership — P6.3 escalation)."""
    from shouhou.accounts.models import User

    users = User.objects.filter(role=role, is_active=True).exclude(email="").order_by("pk")
    return notify_users(users, subject=subject, body=body, dedupe_key=dedupe_key, payload=payload, about=about)


def notify_webhooks(*, subject: str, body: str, dedupe_key: str, payload: dict | None = None, about=None) -> list:
    """Queue the message once for every active webhook endpoint, in the endpoint's format.

    A group chat is read by whoever is in the group: phone numbers are always masked."""
    subject, body = mask_phones_in_text(subject), mask_phones_in_text(body)
    return [
        enqueue(channel=Channel.WEBHOOK, recipient=endpoint.url, subject=subject, body=body, payload=payload,
                format=endpoint.format, endpoint=endpoint, dedupe_key=f"{dedupe_key}:webhook:{endpoint.pk}",
                about=about)
        for endpoint in WebhookEndpoint.objects.active().order_by("pk")
    ]


def retry_message(user, message: OutboxMessage) -> OutboxMessage:
    """Put a failed or dead message back in the queue now, with a fresh set of attempts.

    Only admins and dispatchers may; a sent message is never sent again (`not_retryable`).
    """
    if not can_manage_outbox(user):
        raise PermissionDeniedError("not_permitted", _("You may not retry notifications."))
    updated = OutboxMessage.objects.filter(pk=message.pk, status__in=RETRYABLE_STATES).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None,
    )
    if not updated:
        raise ServiceError("not_retryable", _("Only failed or given-up messages can be retried."))
    transaction.on_commit(_wake_worker)
    message.refresh_from_db()
    return message


# -------------------------------------------------------------------------------------- deliver

def release_stale_claims(now=None) -> int:
    """Rows left in "sending" by a worker that died are due again (or dead after the last attempt)."""
    now = now or timezone.now()
    stale = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - claim_timeout())
    note = "worker stopped while sending; claim expired"
    dead = stale.filter(attempts__gte=max_attempts()).update(status=OutboxStatus.DEAD, claimed_at=None,
                                                             last_error=note)
    again = stale.update(status=OutboxStatus.FAILED, claimed_at=None, next_attempt_at=now, last_error=note)
    return dead + again


def claim_due(limit: int, now=None) -> list[OutboxMessage]:
    """Claim up to `limit` due rows for this worker and return them (status "sending")."""
    now = now or timezone.now()
    if limit <= 0:
        return []
    order = ("next_attempt_at", "id")
    claim = {"status": OutboxStatus.SENDING, "claimed_at": now, "attempts": F("attempts") + 1}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(OutboxMessage.objects.due(now).order_by(*order)
                       .select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            if ids:
                OutboxMessage.objects.filter(pk__in=ids).update(**claim)
    else:
        ids = []
        for pk in OutboxMessage.objects.due(now).order_by(*order).values_list("pk", flat=True)[: limit * 2]:
            if OutboxMessage.objects.filter(pk=pk, status__in=DUE_STATES).update(**claim):
                ids.append(pk)
                if len(ids) == limit:
                    break
    return list(OutboxMessage.objects.filter(pk__in=ids, claimed_at=now).select_related("endpoint").order_by(*order))


def _mark_sent(message: OutboxMessage, provider_message_id: str = "") -> None:
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING, claimed_at=message.claimed_at).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="", claimed_at=None,
        provider_message_id=provider_message_id,
    )


def _mark_failed(message: OutboxMessage, error: str, permanent: bool, now=None) -> str:
    now = now or timezone.now()
    if permanent or message.attempts >= max_attempts():
        changes = {"status": OutboxStatus.DEAD}
    else:
        changes = {"status": OutboxStatus.FAILED, "next_attempt_at": now + retry_delay(message.attempts)}
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING, claimed_at=message.claimed_at).update(
        last_error=error[:2000], claimed_at=None, **changes,
    )
    return changes["status"]


def _send_one(message: OutboxMessage, mailer: Mailer, counts: Counter, now) -> None:
    """Put one claimed row on the wire and record the outcome on it."""
    provider_id = ""
    try:
        if message.channel == Channel.EMAIL:
            mailer.send(message)
        elif message.channel == Channel.SMS:
            provider_id = sms.send(message)
        elif message.channel == Channel.CHAT:
            chatapps.send(message)
        else:
            post_webhook(message)
    except DeliveryError as exc:
        counts[_mark_failed(message, str(exc), exc.permanent, now)] += 1
        logger.info("outbox %s attempt %s failed: %s", message.pk, message.attempts, exc)
    except Exception as exc:  # a bug must not leave the row claimed until the lease ends
        logger.exception("outbox %s: unexpected error while sending", message.pk)
        counts[_mark_failed(message, f"{exc.__class__.__name__}: {exc}", False, now)] += 1
    else:
        _mark_sent(message, provider_id)
        counts["sent"] += 1


def robot_limit() -> int:
    return int(getattr(settings, "NOTIFY_ROBOT_PER_MINUTE", throttle.DEFAULT_LIMIT))


def _digest(endpoint: WebhookEndpoint, rows: list[OutboxMessage], now) -> OutboxMessage:
    """One robot post carrying `rows` (already masked, as every robot message is): the rows are
    marked "sent in a digest" and point at it."""
    lines = [f"• {row.subject}" for row in rows]
    digest = OutboxMessage.objects.create(
        channel=Channel.WEBHOOK, format=endpoint.format, endpoint=endpoint, recipient=endpoint.url,
        subject=_("%(n)d notifications") % {"n": len(rows)}, body=mask_phones_in_text("\n".join(lines))[:4000],
        payload={"digest_of": [row.pk for row in rows]}, dedupe_key=f"digest:{endpoint.pk}:{rows[0].pk}:{rows[-1].pk}",
        status=OutboxStatus.SENDING, claimed_at=now, attempts=1,
    )
    OutboxMessage.objects.filter(pk__in=[row.pk for row in rows], status=OutboxStatus.SENDING).update(
        status=OutboxStatus.DIGESTED, digest=digest, sent_at=now, claimed_at=None, last_error="")
    return digest


ROBOT_BACKLOG = 500


def _claim_backlog(endpoint: WebhookEndpoint, rows: list[OutboxMessage], now, counts: Counter) -> list[OutboxMessage]:
    """The robot's other due rows, claimed with the same token: the throttle plans over the whole
    backlog, so what does not fit goes into this round's digest rather than trickling in late."""
    token = rows[0].claimed_at
    ids = list(OutboxMessage.objects.due(now).filter(endpoint=endpoint).exclude(pk__in=[r.pk for r in rows])
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:ROBOT_BACKLOG])
    if not ids:
        return []
    OutboxMessage.objects.filter(pk__in=ids, status__in=DUE_STATES).update(
        status=OutboxStatus.SENDING, claimed_at=token, attempts=F("attempts") + 1)
    extra = list(OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.SENDING, claimed_at=token)
                 .select_related("endpoint").order_by("next_attempt_at", "id"))
    counts["claimed"] += len(extra)
    return extra


def _send_to_robot(endpoint: WebhookEndpoint, rows: list[OutboxMessage], mailer, counts: Counter, now) -> None:
    """A group robot's claimed rows within its rate limit (notify.throttle): some one by one, the
    rest as one digest, or all later when the last minute's posts used the limit up."""
    window_start = now - timedelta(seconds=throttle.WINDOW_SECONDS)
    posted = OutboxMessage.objects.filter(endpoint=endpoint, status=OutboxStatus.SENT, sent_at__gte=window_start)
    rows = rows + _claim_backlog(endpoint, rows, now, counts)
    plan = throttle.plan(posted.count(), len(rows), robot_limit())
    for row in rows[: plan.single]:
        _send_one(row, mailer, counts, now)
    if plan.digested:
        digest = _digest(endpoint, rows[plan.single: plan.single + plan.digested], now)
        counts["digested"] += plan.digested
        _send_one(digest, mailer, counts, now)
    if plan.deferred:
        oldest = posted.order_by("sent_at").values_list("sent_at", flat=True).first() or now
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows[-plan.deferred:]],
                                     status=OutboxStatus.SENDING).update(
            status=OutboxStatus.PENDING, claimed_at=None, attempts=F("attempts") - 1,
            next_attempt_at=oldest + timedelta(seconds=throttle.WINDOW_SECONDS))
        counts["deferred"] += plan.deferred


def deliver_due(limit: int = 100, now=None) -> dict:
    """Send up to `limit` due messages; return counts {"claimed", "sent", "failed", "dead", "released"}.

    Safe to run in several processes at once (see the module docstring).  Never raises for a
    delivery problem: each one is recorded on its row.
    """
    counts = Counter(released=release_stale_claims(now))
    mailer = Mailer()
    try:
        while counts["claimed"] < limit:
            batch = claim_due(min(CLAIM_CHUNK, limit - counts["claimed"]), now)
            if not batch:
                break
            counts["claimed"] += len(batch)
            robots: dict[int, list[OutboxMessage]] = defaultdict(list)
            for message in batch:
                if message.channel == Channel.WEBHOOK and message.format in ROBOT_FORMATS and message.endpoint:
                    robots[message.endpoint.pk].append(message)
                else:
                    _send_one(message, mailer, counts, now)
            for rows in robots.values():
                endpoint = rows[0].endpoint
                assert endpoint is not None  # grouped by it above
                _send_to_robot(endpoint, rows, mailer, counts, now or timezone.now())
    finally:
        mailer.close()
    result = {key: counts[key] for key in ("claimed", "sent", "failed", "dead", "released")}
    result.update({key: counts[key] for key in ("digested", "deferred") if counts[key]})  # group robots
    return result


# ------------------------------------------------------------------------------- SMS receipts

def record_sms_receipts(reports: list) -> int:
    """Store what an SMS provider's delivery receipts say; returns how many rows they matched.

    Each report names the message by the provider's id (`message_id`/`biz_id`) or by ours
    (`out_id`, the outbox id sent with it) and gives a `status` word (notify.sms.receipt_state).
    Unknown messages and status words are ignored: a receipt never creates or resends anything.
    """
    matched = 0
    for report in reports:
        if not isinstance(report, dict):
            continue
        state = sms.receipt_state(report.get("status"))
        if state is None:
            continue
        rows = OutboxMessage.objects.filter(channel=Channel.SMS)
        provider_id = str(report.get("message_id") or report.get("biz_id") or "")[:100]
        out_id = str(report.get("out_id") or "")
        if provider_id:
            rows = rows.filter(provider_message_id=provider_id)
        elif out_id.isdigit():
            rows = rows.filter(pk=int(out_id))
        else:
            continue
        error = "" if state == ReceiptStatus.DELIVERED else str(report.get("error") or report.get("err_code") or "")
        matched += rows.update(receipt_status=state, receipt_at=timezone.now(), receipt_error=error[:200])
    return matched


# ------------------------------------------------------------------------------------ the inbox

def mark_read(user, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (someone else's: `not_found`, as if absent)."""
    if notification.user_id != getattr(user, "pk", None):
        raise ServiceError("not_found", _("No such notification."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())


# ------------------------------------------------------------------------------ preferences

def set_preference(user, kind, channels) -> None:
    """Choose the personal channels (e-mail, SMS, chat) for one event kind, or for all (kind None).

    In-app notifications are always on and are not a choice.  Raises `bad_channel`."""
    from .choices import PERSONAL_CHANNELS
    from .models import NotificationPreference

    chosen = sorted(set(channels))
    unknown = set(chosen) - set(PERSONAL_CHANNELS)
    if unknown:
        raise ServiceError("bad_channel", _("Unknown channel: %(channel)s") % {"channel": ", ".join(sorted(unknown))},
                           "channels")
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"channels": chosen})


def clear_preference(user, kind) -> None:
    """Forget the user's choice for `kind`: his global choice (or the rules' channels) applies again."""
    from .models import NotificationPreference

    NotificationPreference.objects.filter(user=user, kind=kind).delete()


def set_chat_account(user, app: str, account_id: str) -> None:
    """Where the user's personal chat messages go; an empty id removes the account."""
    from .models import ChatAccount

    account_id = (account_id or "").strip()
    if not account_id:
        ChatAccount.objects.filter(user=user).delete()
        return
    if app not in ChatApp.values or len(account_id) > 100:
        raise ServiceError("bad_chat_account", _("Choose a chat app and enter your account id in it."), "chat_app")
    ChatAccount.objects.update_or_create(user=user, defaults={"app": app, "account_id": account_id})


def watch(user, obj, on: bool = True) -> bool:
    """Follow (or stop following) an object the user may see; rules with "watchers" then tell him."""
    from .models import Watch
    from .policy import may_see

    if on and not may_see(user, obj):
        raise PermissionDeniedError("not_permitted", _("You may not follow this."))
    kind = ContentType.objects.get_for_model(obj)
    if on:
        Watch.objects.get_or_create(user=user, about_type=kind, about_id=obj.pk)
    else:
        Watch.objects.filter(user=user, about_type=kind, about_id=obj.pk).delete()
    return on


def unwatch(user, watch) -> None:
    """Stop following (one's own watch only)."""
    if watch.user_id != user.pk:
        raise PermissionDeniedError("not_permitted", _("You may not follow this."))
    watch.delete()
