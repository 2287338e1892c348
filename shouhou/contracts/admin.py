"""Reference data is editable in Django admin (issue 2), for administrators — through the services,
so a change of level, warranty terms, dates or coverage needs the same reason as in the web UI and
the API, and the covered units' warranties are derived again (issue 6)."""

from django.contrib import admin

from shouhou.core.admin import ServiceAdmin

from . import services
from .models import Contract


@admin.register(Contract)
class ContractAdmin(ServiceAdmin):
    list_display = ["number", "title", "customer", "service_level", "warranty_months", "warranty_start_rule",
                    "start_date", "end_date"]
    list_filter = ["service_level", "warranty_start_rule"]
    search_fields = ["number", "title", "customer__name"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer", "sites", "assets"]
    readonly_fields = ["version", "created_at", "updated_at"]
    view_action = "contract.view"
    change_action = delete_action = "contract.change"
    service_fields = (*services.CONTRACT_FIELDS, "sites", "assets")
    reason_fields = (*services.WARRANTY_FIELDS, "sites", "assets")

    def create(self, user, data):
        return services.create_contract(user, data)

    def update(self, user, stored, data, version, reason):
        return services.update_contract(user, stored, data, version, reason)
