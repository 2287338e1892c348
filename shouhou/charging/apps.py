from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChargingConfig(AppConfig):
    name = "shouhou.charging"
    verbose_name = _("Charging")

    def ready(self):
        """Decide entitlement when a request is opened; show the money panel on the ticket page."""
        from shouhou.core.hooks import register_history
        from shouhou.tickets.signals import ticket_opened

        from .services.decisions import on_ticket_opened
        from .views import ticket_section

        ticket_opened.connect(on_ticket_opened, dispatch_uid="charging.entitlement")
        register_history("tickets.ticket", ticket_section)
