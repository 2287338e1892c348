"""Reference data is editable in Django admin (issue 2), for administrators."""

from django.contrib import admin

from shouhou.core.admin import AuditedAdmin, LayerInline, VersionBumpAdmin

from .models import Contact, Customer, ServiceZone, Site


class ReferenceAdmin(VersionBumpAdmin):
    """Reference data: seen with "customer.view", edited (and deleted) with "customer.change" in the
    record's scope; subclasses name other actions."""

    view_action = "customer.view"
    change_action = delete_action = "customer.change"


@admin.register(ServiceZone)
class ServiceZoneAdmin(AuditedAdmin):
    view_action = "customer.view"
    change_action = delete_action = "customer.change"
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class SiteInline(LayerInline, admin.TabularInline):
    model = Site
    extra = 0
    fields = ["name", "address", "zone", "time_zone"]


class ContactInline(LayerInline, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "phone", "email", "site", "is_primary"]


@admin.register(Customer)
class CustomerAdmin(ReferenceAdmin):
    list_display = ["code", "name", "is_key_customer", "dealer", "phone"]
    list_filter = ["is_key_customer", "dealer"]
    search_fields = ["code", "name", "phone", "address"]
    list_select_related = ["dealer"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [SiteInline, ContactInline]


@admin.register(Site)
class SiteAdmin(ReferenceAdmin):
    list_display = ["name", "customer", "zone", "time_zone"]
    list_filter = ["zone"]
    search_fields = ["name", "address", "customer__name"]
    list_select_related = ["customer", "zone"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(Contact)
class ContactAdmin(ReferenceAdmin):
    list_display = ["name", "customer", "site", "phone", "is_primary"]
    search_fields = ["name", "phone", "email", "customer__name"]
    list_select_related = ["customer", "site"]
    autocomplete_fields = ["customer", "site"]
    readonly_fields = ["version", "created_at", "updated_at"]
