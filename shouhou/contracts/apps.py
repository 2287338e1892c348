from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "shouhou.contracts"
    verbose_name = _("Contracts")

    def ready(self):
        # Contracts sit above assets: they answer the assets app's question about warranty terms.
        from shouhou.assets.signals import warranty_terms

        from .services import terms_for_asset

        warranty_terms.connect(terms_for_asset, dispatch_uid="contracts.terms_for_asset")
