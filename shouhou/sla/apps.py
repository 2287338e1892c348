from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "shouhou.sla"
    verbose_name = _("Service-plan clocks")

    def ready(self):
        from shouhou.core import evidence
        from shouhou.core.bench import register_bench
        from shouhou.core.hooks import register_history

        from . import checks, receivers
        from .models import BreachExemption, Clock, Compensation, FiredEscalation, LoanerTask
        from .views import clocks_section  # noqa: I001

        receivers.connect(self)
        for model in (Clock, FiredEscalation, LoanerTask, Compensation, BreachExemption):
            evidence.protect(model)  # the proof a promise was kept or breached (P13.9, P5.5, P13.2)
        checks.register()
        register_history("tickets.ticket", clocks_section)
        register_bench("calendar", "shouhou.sla.bench_calendar")
        register_bench("clocks", "shouhou.sla.management.commands.bench_clocks")
