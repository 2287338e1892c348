from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from shouhou.core.admin import AuditedAdmin

from .models import Organisation, Team, User


class AccountsAdmin(AuditedAdmin):
    """Users, teams and organisations: "accounts.manage" (administrators)."""

    view_action = change_action = delete_action = "accounts.manage"


@admin.register(Organisation)
class OrganisationAdmin(AccountsAdmin):
    list_display = ["name", "kind", "phone"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(AccountsAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Service role"), {"fields": ("role", "organisation", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Service role"), {"fields": ("role", "organisation")}),)


@admin.register(Team)
class TeamAdmin(AccountsAdmin):
    """Teams / branches: the "team" scope of the permission layer (accounts.permissions)."""

    list_display = ["name", "organisation"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
