"""Retention rules are data: administrators edit the period and the end action per record kind."""

from django.contrib import admin

from shouhou.core.admin import LayerAdmin

from .models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(LayerAdmin):
    view_action = change_action = "retention.apply"
    list_display = ["kind", "years", "action", "active", "basis", "updated_at"]
    list_editable = ["years", "action", "active"]
    list_filter = ["action", "active"]
