"""Reference data is editable in Django admin (issue 2), for administrators — through the
services, so a warranty-defining change (install/acceptance dates, a model's default warranty)
needs the same right and reason as in the web UI and the API (issue 6)."""

from django.contrib import admin

from shouhou.core.admin import ServiceAdmin

from . import services
from .models import Asset, ProductModel


@admin.register(ProductModel)
class ProductModelAdmin(ServiceAdmin):
    view_action = "asset.view"
    change_action = delete_action = "productmodel.change"
    service_fields = services.PRODUCT_MODEL_FIELDS
    reason_fields = ("default_warranty_months",)
    list_display = ["code", "name", "category", "default_warranty_months"]
    list_filter = ["category"]
    search_fields = ["code", "name"]
    readonly_fields = ["version", "created_at", "updated_at"]

    def create(self, user, data):
        return services.create_product_model(user, data)

    def update(self, user, stored, data, version, reason):
        return services.update_product_model(user, stored, data, version, reason)


@admin.register(Asset)
class AssetAdmin(ServiceAdmin):
    view_action = "asset.view"
    change_action = delete_action = "asset.change"
    service_fields = services.ASSET_FIELDS
    reason_fields = services.WARRANTY_FIELDS
    warranty_action = "asset.change_warranty"
    list_display = ["serial_no", "product_model", "customer", "site", "acceptance_date", "warranty_end"]
    list_filter = ["product_model"]
    search_fields = ["serial_no", "certificate_no", "customer__name", "site__name"]
    list_select_related = ["product_model", "customer", "site"]
    autocomplete_fields = ["customer", "site", "product_model"]
    # Warranty dates are derived (contracts.services.refresh_warranty), never typed in.
    readonly_fields = ["warranty_start", "warranty_end", "version", "created_at", "updated_at"]

    def create(self, user, data):
        return services.create_asset(user, data)

    def update(self, user, stored, data, version, reason):
        return services.update_asset(user, stored, data, version, reason)
