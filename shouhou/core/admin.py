"""Admin building blocks shared by the apps' admin modules."""

from simple_history.admin import SimpleHistoryAdmin

from .audit import record_change


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
