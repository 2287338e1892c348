"""Admin for reference and inspection only: tickets change through services, so they are read-only here."""

from django.contrib import admin

from shouhou.core.admin import ReadOnlyAdmin

from .models import Attachment, Ticket, TicketEvent


class TicketRecordAdmin(ReadOnlyAdmin):
    """Service records, kept for 5 years (P13.9): the requests one may see ("ticket.view")."""

    view_action = "ticket.view"


@admin.register(Ticket)
class TicketAdmin(TicketRecordAdmin):
    list_display = ("number", "title", "status", "severity", "customer", "assignee", "created_at")
    list_filter = ("status", "severity", "channel", "unverified")
    search_fields = ("title", "reporter_name")
    list_select_related = ("customer", "assignee")
    show_full_result_count = False  # no full COUNT(*) at a million rows
    raw_id_fields = ("customer", "site", "asset", "contract", "assignee", "assigned_dealer", "created_by")


@admin.register(TicketEvent)
class TicketEventAdmin(TicketRecordAdmin):
    list_display = ("ticket", "kind", "actor", "created_at", "internal")
    list_filter = ("kind", "internal")
    raw_id_fields = ("ticket", "actor")
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(TicketRecordAdmin):
    list_display = ("original_name", "ticket", "content_type", "size", "internal", "created_at")
    raw_id_fields = ("ticket", "event", "uploaded_by")
