"""Reference data is editable in Django admin (issue 2), for administrators."""

from django.contrib import admin

from shouhou.core.admin import VersionBumpAdmin

from .models import Asset, ProductModel
from .services import refresh_asset_warranty


@admin.register(ProductModel)
class ProductModelAdmin(VersionBumpAdmin):
    list_display = ["code", "name", "category", "default_warranty_months"]
    list_filter = ["category"]
    search_fields = ["code", "name"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(Asset)
class AssetAdmin(VersionBumpAdmin):
    list_display = ["serial_no", "product_model", "customer", "site", "acceptance_date", "warranty_end"]
    list_filter = ["product_model"]
    search_fields = ["serial_no", "certificate_no", "customer__name", "site__name"]
    list_select_related = ["product_model", "customer", "site"]
    autocomplete_fields = ["customer", "site", "product_model"]
    # Warranty dates are derived (contracts.services.refresh_warranty), never typed in.
    readonly_fields = ["warranty_start", "warranty_end", "version", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_asset_warranty(obj)
