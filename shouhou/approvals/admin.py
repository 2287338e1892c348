"""Admin: flows and their steps are reference data (edited here, audited: the "history" button);
requests and decisions are records, shown read-only and never deleted (decisions are immutable,
issue 6)."""

from django.contrib import admin

from shouhou.core.admin import AuditedAdmin

from .forms import StepAdminForm
from .models import ApprovalDecision, ApprovalFlow, ApprovalRequest, ApprovalStep, RequestStep


class StepInline(admin.TabularInline):
    model = ApprovalStep
    form = StepAdminForm
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["approver"]


@admin.register(ApprovalFlow)
class ApprovalFlowAdmin(AuditedAdmin):
    """Flows and their steps, with the change history (who, when, before → after, why) of both."""

    list_display = ["kind", "label", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["kind", "name"]
    inlines = [StepInline]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.requests.exists()


class ReadOnlyInline(admin.TabularInline):
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
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "flow", "title", "state", "requested_by", "requested_at", "finished_at"]
    list_filter = ["state", "flow"]
    search_fields = ["title", "summary"]
    list_select_related = ["flow", "requested_by"]
    inlines = [RequestStepInline, DecisionInline]
    readonly_fields = ["flow", "content_type", "object_id", "title", "summary", "requested_by", "requested_at",
                       "state", "current_position", "finished_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
