from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """The top floor: the commands that run the product (serve, demo data, import/export, benchmarks).

    It may import every domain app; nothing imports it (tests/test_house_rules.py).
    """

    name = "shouhou.ops"
    verbose_name = _("Operations")

    def ready(self):
        from shouhou.core.bench import register_bench

        register_bench("intake", "shouhou.ops.bench.intake")
        register_bench("list", "shouhou.ops.bench.listing")
        register_bench("search", "shouhou.ops.bench.search")
