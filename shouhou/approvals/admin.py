"""Admin: flows and their steps are reference data (edited here, audited: the "history" button);
requests and decisions are records, shown read-only and never deleted (decisions are immutable,
issue 6)."""

from django.contrib import admin

from shouhou.core.admin import AuditedAdmin, LayerInline, ReadOnlyAdmin

from .forms import StepAdminForm
from .models import ApprovalDecision, ApprovalFlow, ApprovalRequest, ApprovalStep, RequestStep


class StepInline(LayerInline, admin.TabularInline):
    model = ApprovalStep
    form = StepAdminForm
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["approver"]


@admin.register(ApprovalFlow)
class ApprovalFlowAdmin(AuditedAdmin):
    """Flows and their steps, with the change history (who, when, before → after, why) of both."""

    view_action = change_action = delete_action = "approval.manage"
    list_display = ["kind", "label", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["kind", "name"]
    inlines = [StepInline]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.requests.exists())


class ReadOnlyInline(LayerInline, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RequestStepInline(ReadOnlyInline):
    model = RequestStep
    fields = ["position", "name", "roles", "approver"]
    readonly_fields = fields


class DecisionInline(ReadOnlyInline):
    model = ApprovalDecision
    fields = ["step", "outcome", "reason", "decided_by", "decided_at"]
    readonly_fields = fields


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    view_action = "approval.view"  # the requests one is involved in (visible_to); administrators all
    list_display = ["id", "flow", "title", "state", "requested_by", "requested_at", "finished_at"]
    list_filter = ["state", "flow"]
    search_fields = ["title", "summary"]
    list_select_related = ["flow", "requested_by"]
    inlines = [RequestStepInline, DecisionInline]
    readonly_fields = ["flow", "content_type", "object_id", "title", "summary", "requested_by", "requested_at",
                       "state", "current_position", "finished_at"]
