"""Reference data of charging in Django admin, for administrators: VAT rates (data), and read-only
views of parts, price list versions and the ledger (they change through the services)."""

from django.contrib import admin

from shouhou.core.admin import LayerAdmin

from .models import ChargeEntry, ChargingRule, Part, PriceListVersion, VatRate


@admin.register(VatRate)
class VatRateAdmin(LayerAdmin):
    list_display = ["kind", "rate", "valid_from"]
    view_action = "pricelist.view"
    change_action = "pricelist.change"


@admin.register(Part, ChargingRule, PriceListVersion)
class CatalogueAdmin(LayerAdmin):
    view_action = "pricelist.view"


@admin.register(ChargeEntry)
class ChargeEntryAdmin(LayerAdmin):
    list_display = ["ticket", "kind", "description", "amount", "tax", "created_at"]
    view_action = "charge.view"
