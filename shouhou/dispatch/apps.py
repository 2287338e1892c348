from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "shouhou.dispatch"
    verbose_name = _("Dispatch")

    def ready(self):
        """Register the ticket actions dispatch performs and its sections of the history pages."""
        from shouhou.core import evidence
        from shouhou.core.hooks import register_dashboard, register_history
        from shouhou.tickets.signals import register_action_handler, register_action_input

        from . import plan_rules, repair_forms, roster
        from .handlers import ACTION_HANDLERS, asset_history, awaiting_confirmation_panel, ticket_history
        from .models import FaultReport, Visit, VisitAmendment

        for model in (Visit, VisitAmendment, FaultReport):
            evidence.protect(model)  # signed records kept 5 years (P13.9)

        from .serializers import ACTION_INPUTS

        for action, handler in ACTION_HANDLERS.items():
            register_action_handler(action, handler)
            register_action_input(action, ACTION_INPUTS[action])  # the input this app validates
        register_history("assets.asset", asset_history)
        register_history("tickets.ticket", ticket_history)
        register_dashboard(awaiting_confirmation_panel)
        repair_forms.connect()
        plan_rules.connect()
        roster.connect()
