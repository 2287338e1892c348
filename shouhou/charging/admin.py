"""Charging's reference data in Django admin, for administrators: VAT rates (data, audited), the
part catalogue and charging rules (saved through the services: same rights and reasons as the web
UI and the API), and the ledger read-only.  Price list versions are never edited: a new version is
imported (services.import_price_list)."""

from django.contrib import admin

from shouhou.core.admin import AuditedAdmin, ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import ChargeEntry, ChargingRule, Part, VatRate


@admin.register(VatRate)
class VatRateAdmin(AuditedAdmin):
    list_display = ["kind", "rate", "valid_from"]
    list_filter = ["kind"]
    view_action = "pricelist.view"
    change_action = "pricelist.change"


@admin.register(Part)
class PartAdmin(ServiceAdmin):
    list_display = ["code", "name", "unit", "vat_kind", "active"]
    list_filter = ["vat_kind", "active"]
    search_fields = ["code", "name"]
    readonly_fields = ["version", "created_at", "updated_at"]
    view_action = "pricelist.view"
    change_action = "pricelist.change"
    service_fields = services.catalogue.PART_FIELDS

    def create(self, user, data):
        return services.create_part(user, data)

    def update(self, user, stored, data, version, reason):
        return services.update_part(user, stored, data, version, reason)


@admin.register(ChargingRule)
class ChargingRuleAdmin(ServiceAdmin):
    list_display = ["name", "contract", "is_default", "parts_basis", "labour_basis", "travel_basis"]
    list_filter = ["is_default", "parts_basis", "labour_basis"]
    search_fields = ["name", "contract__number"]
    autocomplete_fields = ["contract"]
    readonly_fields = ["version", "created_at", "updated_at"]
    view_action = "pricelist.view"
    change_action = "pricelist.change"
    service_fields = services.catalogue.RULE_FIELDS
    reason_fields = services.catalogue.RULE_FIELDS  # what customers pay: a change needs a reason

    def create(self, user, data):
        return services.create_rule(user, data)

    def update(self, user, stored, data, version, reason):
        return services.update_rule(user, stored, data, version, reason)


@admin.register(ChargeEntry)
class ChargeEntryAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "kind", "description", "amount", "tax", "created_at"]
    list_filter = ["kind"]
    view_action = "charge.view"
