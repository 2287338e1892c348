"""Each person's own notifications (the bell), their channel preferences, chat accounts and watches."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import ChatApp


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for the inbox: a user sees his own notifications, nobody else's."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One in-app notification for one user: written by notify.policy.emit in the transaction of
    its cause.  `read_at` is set when the user marks it read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.ForeignKey("notify.EventKind", verbose_name=_("event kind"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True, max_length=4000)
    link = models.CharField(_("link"), max_length=500, blank=True)
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"], name="notify_notification_once")]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notify_inbox_idx"),
            # The bell's count: one COUNT over this small partial index.
            models.Index(fields=["user"], name="notify_unread_idx", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self):
        return self.subject

    @property
    def unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """Which personal channels a user wants: for one event kind, or (kind empty) for all kinds.

    In-app notifications are always on.  A kind's row wins over the global row; with no row at
    all the rule's channels apply.  Channels a rule does not use are never added by a preference.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.ForeignKey("notify.EventKind", verbose_name=_("event kind"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    channels = models.JSONField(_("channels"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notify_pref_per_kind"),
            models.UniqueConstraint(fields=["user"], condition=Q(kind__isnull=True), name="notify_pref_global"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.kind_id or '*'}"


class ChatAccount(models.Model):
    """A staff member's own account in WeCom, DingTalk or Feishu (the app's user id), for app
    messages to that person (notify.chatapps)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_account")
    app = models.CharField(_("chat app"), max_length=16, choices=ChatApp.choices)
    account_id = models.CharField(_("account id"), max_length=100,
                                  help_text=_("The user id in the chat app (e.g. WeCom userid)."))

    class Meta:
        verbose_name = _("chat account")
        verbose_name_plural = _("chat accounts")

    def __str__(self):
        return f"{self.get_app_display()}: {self.account_id}"


class Watch(models.Model):
    """A user follows an object (a service request): rules with the "watchers" relation tell him."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    about_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [models.UniqueConstraint(fields=["user", "about_type", "about_id"], name="notify_watch_once")]
        indexes = [models.Index(fields=["about_type", "about_id"], name="notify_watch_about_idx")]

    def __str__(self):
        return f"{self.user_id} → {self.about_type_id}:{self.about_id}"
