"""Admin building blocks shared by the apps' admin modules; core's own records: the personal-data
export log (read-only) and the demo marker."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .audit import record_change
from .models import DemoMarker, ExportLog

REASON_FIELD = "change_reason"


class AuditedAdmin(SimpleHistoryAdmin):
    """The "history" button on every audited model (issue 6), and one history row per admin save.

    Django saves the object first and its many-to-many fields and inlines afterwards; the row is
    written once everything (including values derived in subclasses' save_model) is in place.
    An edit may say why (the optional "reason for the change" field), written to that row.
    Reverting from the history page is off (SIMPLE_HISTORY_REVERT_DISABLED): it would bypass the
    services' rules.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" not in kwargs:  # the model form gets the model's fields; the reason is added below
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"]:
            kwargs["fields"] = [name for name in kwargs["fields"] if name != REASON_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("Shown in the record's change history."))
        return type(form.__name__, (form,), {REASON_FIELD: reason})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any(REASON_FIELD in (opts.get("fields") or ()) for _name, opts in fieldsets):
            return fieldsets
        return [*fieldsets, (None, {"fields": [REASON_FIELD]})]

    def save_model(self, request, obj, form, change):
        obj.skip_history_when_saving = True
        if form.cleaned_data.get(REASON_FIELD):
            obj._change_reason = form.cleaned_data[REASON_FIELD]
        super().save_model(request, obj, form, change)  # stamps obj._history_user = request.user

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        obj.__dict__.pop("skip_history_when_saving", None)
        record_change(obj, "~" if change else "+")


class VersionBumpAdmin(AuditedAdmin):
    """An admin edit is a change too: bump `version` so API/form editors holding the old one get 409."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Inspection only: records that change through services (with their timeline events) or are
    evidence kept for the retention period (P13.9) cannot be added, edited or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """Who exported which personal data, when, with which filters and how many rows (PIPL)."""

    list_display = ["created_at", "actor", "channel", "model", "row_count", "destination"]
    list_filter = ["channel", "model"]
    search_fields = ["actor", "model", "destination"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "user", "actor", "channel", "model", "filters", "row_count", "destination"]


@admin.register(DemoMarker)
class DemoMarkerAdmin(admin.ModelAdmin):
    """Shown so an administrator can see that a database is a demo one (`demo --reset` relies on it)."""

    list_display = ["created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
