"""The nav's bell: the signed-in user's unread notifications, one indexed COUNT (notify_unread_idx)."""

from django import template

from ..models import Notification

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
