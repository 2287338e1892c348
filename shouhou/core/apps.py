from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shouhou.core"
    verbose_name = _("Core")

    def ready(self):
        """The log of personal-data exports is itself kept: never deleted (core.evidence); every
        text's documented maximum is checked by model validation too (core.limits)."""
        from . import evidence, limits
        from .models import ExportLog

        evidence.protect(ExportLog)
        limits.enforce_text_limits()
