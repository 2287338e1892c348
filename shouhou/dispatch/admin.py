"""Admin views of visit records and fault reports: read-only, because a signed visit record is
immutable (P10.4, P12.3) and every change must go through dispatch.services with a timeline event."""

from django.contrib import admin

from shouhou.core.admin import LayerInline, ReadOnlyAdmin

from .models import FaultReport, Visit, VisitAmendment


class VisitRecordAdmin(ReadOnlyAdmin):
    """Visits and fault reports of the requests one may see ("ticket.view"; visible_to scopes them)."""

    view_action = "ticket.view"


class VisitAmendmentInline(LayerInline, admin.TabularInline):
    model = VisitAmendment
    extra = 0
    fields = ["created_at", "author", "reason", "changes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(VisitRecordAdmin):
    list_display = ["id", "ticket", "engineer", "appointment_at", "arrived_at", "left_at", "signer_name", "signed_at"]
    list_select_related = ["ticket", "engineer"]
    list_filter = ["signature_method"]
    search_fields = ["work_done", "parts_used", "signer_name"]
    date_hierarchy = "created_at"
    inlines = [VisitAmendmentInline]
    exclude = ["signature_image"]  # served only through the scoped view, never as a bare media link


@admin.register(FaultReport)
class FaultReportAdmin(VisitRecordAdmin):
    list_display = ["id", "ticket", "author", "shared_with_customer", "created_at"]
    list_select_related = ["ticket", "author"]
    list_filter = ["shared_with_customer"]
    search_fields = ["cause", "fix", "prevention"]
