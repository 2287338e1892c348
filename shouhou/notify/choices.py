"""Vocabulary of the outbox: channels, webhook message formats and delivery states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class WebhookFormat(models.TextChoices):
    """How a webhook body is shaped: a generic JSON POST or a chat group robot's own format."""

    GENERIC = "generic", _("Generic JSON")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu / Lark group robot")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Given up")


# States a worker may claim once `next_attempt_at` has passed.
DUE_STATES = (OutboxStatus.PENDING, OutboxStatus.FAILED)
# States an operator may put back into the queue by hand.
RETRYABLE_STATES = (OutboxStatus.FAILED, OutboxStatus.DEAD)
