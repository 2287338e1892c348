from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "shouhou.tickets"
    verbose_name = _("Service requests")

    def ready(self):
        """Add the service-request history to customer, site and asset pages (core.hooks); declare
        tickets, their timeline and attachments as service evidence (core.evidence)."""
        from django.db.models.signals import post_delete, post_save

        from shouhou.core import evidence
        from shouhou.core.hooks import register_history

        from . import approvals, notifications
        from .history import asset_history, customer_history, site_history
        from .models import Attachment, Ticket, TicketEvent
        from .severity import SeverityLevel, forget_levels

        post_save.connect(forget_levels, sender=SeverityLevel, dispatch_uid="severity-levels-saved")
        post_delete.connect(forget_levels, sender=SeverityLevel, dispatch_uid="severity-levels-deleted")

        for model in (Ticket, TicketEvent, Attachment):
            evidence.protect(model)  # kept 5 years, never hard-deleted (P13.9)

        approvals.connect()
        notifications.connect()  # who is related to a request, for the notification rules

        register_history("customers.customer", customer_history)
        register_history("customers.site", site_history)
        register_history("assets.asset", asset_history)
