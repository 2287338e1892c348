"""Vocabulary of the outbox: channels, webhook message formats and delivery states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How one outbox row leaves: e-mail, a webhook (group robot), an SMS, a personal chat-app message."""

    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Chat app message")


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
    # A group-robot message held back by the robot's rate limit and sent inside a digest message.
    DIGESTED = "digested", _("Sent in a digest")


# States a worker may claim once `next_attempt_at` has passed.
DUE_STATES = (OutboxStatus.PENDING, OutboxStatus.FAILED)
# States an operator may put back into the queue by hand.
RETRYABLE_STATES = (OutboxStatus.FAILED, OutboxStatus.DEAD)


# Group robots: the chat formats whose endpoints are rate-limited (about 20 messages a minute).
ROBOT_FORMATS = (WebhookFormat.WECOM, WebhookFormat.DINGTALK, WebhookFormat.FEISHU)


class ChatApp(models.TextChoices):
    """The chat app a staff member's own account lives in (app messages to one person)."""

    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu / Lark")


class RuleChannel(models.TextChoices):
    """Where a notification rule may send, besides the in-app inbox every user recipient gets."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Personal chat app message")
    ROBOT = "robot", _("Team group robots")


# The channels a person chooses in his preferences (in-app is always on; robots post to groups).
PERSONAL_CHANNELS = (RuleChannel.EMAIL, RuleChannel.SMS, RuleChannel.CHAT)


class ReceiptStatus(models.TextChoices):
    """What an SMS provider's delivery receipt said about a sent message."""

    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Not delivered")
