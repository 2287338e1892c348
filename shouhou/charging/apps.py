from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChargingConfig(AppConfig):
    name = "shouhou.charging"
    verbose_name = _("Charging")

    def ready(self):
        """Decide entitlement when a request is opened; show the money panel on the ticket page."""
        from shouhou.core import evidence
        from shouhou.core.hooks import register_history
        from shouhou.tickets.signals import ticket_opened

        from .models import ChargeEntry, Quote, QuoteLine, TicketEntitlement
        from .services.decisions import on_ticket_opened
        from .views import ticket_section

        # The entitlement is part of the service record; quotes and the ledger are accounting
        # records, and a request with money records keeps them (their ticket FK protects it).
        evidence.protect(TicketEntitlement)
        for model in (Quote, QuoteLine, ChargeEntry):
            evidence.protect(model, evidence.ACCOUNTING)
        ticket_opened.connect(on_ticket_opened, dispatch_uid="charging.entitlement")
        register_history("tickets.ticket", ticket_section)
