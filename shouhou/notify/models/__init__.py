"""The notify app's models: the outbox, the notification policy, and each person's inbox."""

from .inbox import ChatAccount, Notification, NotificationPreference, Watch
from .outbox import (
    OutboxMessage,
    OutboxQuerySet,
    WebhookEndpoint,
    WebhookEndpointQuerySet,
    can_manage_outbox,
    can_see_outbox,
    mask_url,
    validate_webhook_url,
)
from .policy import EventKind, NotificationRule, RuleTemplate

__all__ = [
    "ChatAccount", "EventKind", "Notification", "NotificationPreference", "NotificationRule", "OutboxMessage",
    "OutboxQuerySet", "RuleTemplate", "Watch", "WebhookEndpoint", "WebhookEndpointQuerySet", "can_manage_outbox",
    "can_see_outbox", "mask_url", "validate_webhook_url",
]
