"""Admin building blocks shared by the apps' admin modules; core's own records: the personal-data
export log (read-only) and the demo marker."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .audit import record_change
from .models import DemoMarker, ExportLog


class AuditedAdmin(SimpleHistoryAdmin):
    """The "history" button on every audited model (issue 6), and one history row per admin save.

    Django saves the object first and its many-to-many fields and inlines afterwards; the row is
    written once everything (including values derived in subclasses' save_model) is in place.
    Reverting from the history page is off (SIMPLE_HISTORY_REVERT_DISABLED): it would bypass the
    services' rules.
    """

    def save_model(self, request, obj, form, change):
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)  # stamps obj._history_user = request.user

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        obj.__dict__.pop("skip_history_when_saving", None)
        record_change(obj, "~" if change else "+")


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Who exported which personal data, when, with which filters and how many rows (PIPL)."""

    list_display = ["created_at", "actor", "channel", "model", "row_count", "destination"]
    list_filter = ["channel", "model"]
    search_fields = ["actor", "model", "destination"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "user", "actor", "channel", "model", "filters", "row_count", "destination"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DemoMarker)
class DemoMarkerAdmin(admin.ModelAdmin):
    """Shown so an administrator can see that a database is a demo one (`demo --reset` relies on it)."""

    list_display = ["created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
