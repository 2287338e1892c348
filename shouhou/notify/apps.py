from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(_reseed_policy, sender=self)


def _reseed_policy(sender, app_config=None, using="default", **kwargs):
    """The seeded policy again when the kinds table is empty (a flushed test database); an
    administrator's edits are never overwritten: anything present means "leave it"."""
    from .models import EventKind, NotificationRule, RuleTemplate
    from .seed import seed

    if not EventKind.objects.using(using).exists():
        seed(EventKind, NotificationRule, RuleTemplate)
