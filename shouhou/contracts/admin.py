"""Reference data is editable in Django admin (issue 2), for administrators."""

from django.contrib import admin

from shouhou.core.admin import VersionBumpAdmin

from .models import Contract
from .services import refresh_warranty


@admin.register(Contract)
class ContractAdmin(VersionBumpAdmin):
    list_display = ["number", "title", "customer", "service_level", "warranty_months", "warranty_start_rule",
                    "start_date", "end_date"]
    list_filter = ["service_level", "warranty_start_rule"]
    search_fields = ["number", "title", "customer__name"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer", "sites", "assets"]
    readonly_fields = ["version", "created_at", "updated_at"]

    def save_related(self, request, form, formsets, change):
        # Admin edits bypass the services; keep the covered units' derived warranty dates right.
        before = list(form.instance.assets.all()) if change else []
        super().save_related(request, form, formsets, change)
        refresh_warranty(form.instance, also=before, user=request.user)
