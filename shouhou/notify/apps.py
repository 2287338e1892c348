from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "shouhou.notify"
    verbose_name = _("Notifications")

    def ready(self):
        """Sent and queued messages are evidence of who was told what, when (P13.9)."""
        from shouhou.core import evidence

        from . import relations
        from .models import OutboxMessage

        evidence.protect(OutboxMessage)
        relations.register_relation("watchers", _("Watchers"), relations.watchers)
