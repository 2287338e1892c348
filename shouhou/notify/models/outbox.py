"""The outbox: every message that must leave the system, written in the transaction that causes it.

A service that escalates a clock or closes a ticket writes an `OutboxMessage` row next to its
timeline event; the row commits or rolls back with it.  Workers (`shouhou worker`, the in-process
thread, or Celery) send committed rows later, so nothing leaves the process before commit and
nothing is lost while no worker runs (issue 3, "Escalation and notifications").
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core import limits
from shouhou.core.audit import AuditedRecords
from shouhou.core.privacy import mask_phone

from ..choices import DUE_STATES, Channel, OutboxStatus, ReceiptStatus, WebhookFormat
from ..destinations import check_url


def can_see_outbox(user) -> bool:
    """Who may read the outbox ("outbox.view" in accounts.permissions: internal staff)."""
    from shouhou.accounts.permissions import may

    return may(user, "outbox.view")


def can_manage_outbox(user) -> bool:
    """Admins and dispatchers run the outbox page and may put a failed message back in the queue."""
    from shouhou.accounts.permissions import may

    return may(user, "outbox.manage")


def validate_webhook_url(value: str) -> None:
    """Only http(s) URLs, and none into our own network (notify.destinations; issue 6)."""
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(_("Enter an http:// or https:// URL."), code="bad_url")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise ValidationError(_("Enter an http:// or https:// URL."), code="bad_url") from None
    check_url(value)


def mask_url(url: str) -> str:
    """scheme://host/… — WeCom, DingTalk and Feishu robot URLs are secrets in their path or query."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else "…"


class WebhookEndpointQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all() if can_manage_outbox(user) else self.none()

    def active(self):
        return self.filter(active=True)


class WebhookEndpoint(models.Model):
    """A chat group robot or any HTTP receiver that gets every notification sent to webhooks.

    `secret` signs the request: DingTalk and Feishu robots' "加签" (timestamp + HMAC-SHA256 sign),
    and for generic receivers an `X-Shouhou-Signature: sha256=<hex>` header over the body.
    """

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=1000, validators=[validate_webhook_url])
    format = models.CharField(_("format"), max_length=16, choices=WebhookFormat.choices,
                              default=WebhookFormat.GENERIC)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True,
                              help_text=_("Optional. DingTalk and Feishu robots with signing enabled need it."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = AuditedRecords(excluded_fields=["secret"])  # a credential never goes into the trail

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)


class OutboxQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for outbox messages (style rule 11; issue 6, hardening).

        Admins and dispatchers, who run the outbox, see every message.  Other internal staff see
        the messages *about* an object they may see — a ticket through `Ticket.objects.visible_to`,
        whatever model the message names — and nothing that is about no object.  Dealers,
        customers and anonymous users see nothing.  The outbox is a lower app: it asks the named
        model's own `visible_to`, never imports it.
        """
        if can_manage_outbox(user):
            return self.all()
        if not can_see_outbox(user):
            return self.none()
        rule = Q(pk__in=[])
        type_ids = OutboxMessage.objects.exclude(about_type=None).order_by().values_list("about_type", flat=True)
        for content_type in ContentType.objects.filter(pk__in=type_ids.distinct()):
            model = content_type.model_class()
            scoped = getattr(getattr(model, "objects", None), "visible_to", None) if model else None
            if scoped is not None:
                rule |= Q(about_type=content_type, about_id__in=scoped(user).values("pk"))
        return self.filter(rule)

    def due(self, now=None):
        """Rows a worker may claim now: pending or failed-awaiting-retry whose time has come."""
        return self.filter(status__in=DUE_STATES, next_attempt_at__lte=now or timezone.now())


class OutboxMessage(models.Model):
    """One message to one recipient (an e-mail address, a webhook URL, a mobile number or a chat account id).

    `dedupe_key` is unique: the same cause (e.g. "clock 17 breached, dispatcher 3") can never be
    queued twice, however often the causing code runs.  Status moves pending → sending → sent;
    a failed attempt goes to failed (retried after a backoff) and, after the last attempt, dead.
    """

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    format = models.CharField(_("format"), max_length=16, choices=WebhookFormat.choices,
                              default=WebhookFormat.GENERIC)
    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name=_("webhook endpoint"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="messages")
    recipient = models.CharField(_("recipient"), max_length=1000)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True, max_length=limits.MESSAGE)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=255, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=OutboxStatus.choices,
                              default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, max_length=limits.SHORT_TEXT * 2)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # What the message is about (e.g. a ticket): who may read it follows who may see that object.
    about_type = models.ForeignKey(ContentType, verbose_name=_("about (type)"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    about_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    # SMS: the provider's id for the message and what its delivery receipt said (notify.sms).
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True, db_index=True)
    receipt_status = models.CharField(_("delivery receipt"), max_length=16, choices=ReceiptStatus.choices,
                                      blank=True)
    receipt_at = models.DateTimeField(_("receipt at"), null=True, blank=True)
    receipt_error = models.CharField(_("receipt error"), max_length=200, blank=True)
    # Group robots: the digest message this row was folded into when the robot's rate limit was reached.
    digest = models.ForeignKey("self", verbose_name=_("digest"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="folded")

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The claim query: due rows in time order.  Partial, so it stays small however many
            # sent rows the table keeps.
            models.Index(fields=["next_attempt_at", "id"], name="notify_outbox_due_idx",
                         condition=Q(status__in=["pending", "failed"])),
            # Recovery of claims whose worker died mid-batch.
            models.Index(fields=["claimed_at"], name="notify_outbox_sending_idx",
                         condition=Q(status="sending")),
            models.Index(fields=["status", "-created_at"], name="notify_outbox_status_idx"),
            models.Index(fields=["about_type", "about_id"], name="notify_outbox_about_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.display_recipient}: {self.subject}"

    @property
    def display_recipient(self) -> str:
        """The recipient as people may see it: robot URLs carry their access token, so only the host shows."""
        if self.channel in (Channel.EMAIL, Channel.CHAT):
            return self.recipient
        if self.channel == Channel.SMS:
            return mask_phone(self.recipient)
        return mask_url(self.recipient)

    @property
    def retryable(self) -> bool:
        return self.status in (OutboxStatus.FAILED, OutboxStatus.DEAD)
