"""Admin building blocks shared by the apps' admin modules; core's own records: the personal-data
export log (read-only) and the demo marker.

- LayerAdmin: every admin page asks the permission layer (issue 6): its view/add/change/delete
  rights are actions of accounts.permissions, and its lists are the model's `visible_to(user)`.
- ReadOnlyAdmin: service records and evidence, shown, never added, edited or deleted here.
- AuditedAdmin: the "history" button and one history row per save, with an optional reason.
- VersionBumpAdmin: an audited admin whose edits bump `version` (stale API/form editors get 409).
- ServiceAdmin (core.admin_services): saves go through the app's services, with the reason they
  require for warranty-defining changes.
core is the lowest app and imports no higher one: it asks the `rules` registry, which
accounts.permissions fills with every declared action (`rules.has_perm(action, user, obj)` is
`accounts.permissions.may`).
"""

import rules
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .audit import record_change
from .models import DemoMarker, ExportLog

REASON_FIELD = "change_reason"


class LayerAdmin(admin.ModelAdmin):
    """Admin rights are the permission layer's actions (deny by default: no action, no right).

    `view_action` lets one see the list and the pages (or `change_action`); `add_action` defaults
    to `change_action`; `delete_action` must be named to allow deleting.  Object pages ask the
    action on the object (its scope); lists and lookups are the model's `visible_to(user)`.
    """

    view_action: str | None = None
    change_action: str | None = None
    add_action: str | None = None
    delete_action: str | None = None

    @staticmethod
    def may(request, action, obj=None) -> bool:
        return bool(action) and rules.has_perm(action, request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self.may(request, self.view_action, obj) or self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.may(request, self.change_action, obj)

    def has_add_permission(self, request, *args):  # inlines pass the parent object
        return self.may(request, self.add_action or self.change_action)

    def has_delete_permission(self, request, obj=None):
        return self.may(request, self.delete_action, obj)

    def has_module_permission(self, request):
        return self.has_view_permission(request) or self.has_add_permission(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible_to = getattr(queryset, "visible_to", None)
        return visible_to(request.user) if visible_to else queryset


class LayerInline:
    """Mixin for the inlines of a LayerAdmin page: their rights are the page's (seeing it, changing it)."""

    def _page(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._page().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._page().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._page().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._page().has_change_permission(request, obj)


class ReadOnlyAdmin(LayerAdmin):
    """Service records (P13.9) and signed records: shown to whoever has `view_action`, never added,
    edited or deleted here — they change through their services, with a timeline event."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(LayerAdmin, SimpleHistoryAdmin):
    """The "history" button on every audited model (issue 6), and one history row per admin save.

    Django saves the object first and its many-to-many fields and inlines afterwards; the row is
    written once everything (including values derived in subclasses' save_model) is in place.
    An edit may say why (the optional "reason for the change" field), written to that row.
    Reverting from the history page is off (SIMPLE_HISTORY_REVERT_DISABLED): it would bypass the
    services' rules.
    """

    reason_help = _("Shown in the record's change history.")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" not in kwargs:  # the model form gets the model's fields; the reason is added below
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"]:
            kwargs["fields"] = [name for name in kwargs["fields"] if name != REASON_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500,
                                 widget=forms.Textarea(attrs={"rows": 2}), help_text=self.reason_help)
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


class AdminRefused(Exception):
    """A service refused an admin save (rights, a conflict): shown as a message, nothing saved."""


class ServiceAdmin(AuditedAdmin):
    """Saves go through the app's services — the same rights, versioning and required reasons as
    the web UI and the API (issue 6: the admin changed warranty-defining data with no reason).

    A subclass names `service_fields` (every editable field, many-to-many ones included),
    `reason_fields` (a change of any of them needs a reason, and `warranty_action` on the record)
    and implements `create(user, data)` / `update(user, stored, data, version, reason)`.  The form
    refuses a missing reason before anything is saved ("请填写变更原因。", as the services say); a
    refusal the form cannot foresee rolls the whole save back and is shown as a message.
    """

    service_fields: tuple[str, ...] = ()
    reason_fields: tuple[str, ...] = ()
    warranty_action: str | None = None
    reason_help = _("Required when warranty-defining data changes; shown in the record's change history.")

    def create(self, user, data):
        raise NotImplementedError

    def update(self, user, stored, data, version, reason):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        model_admin = self

        def clean(self):
            cleaned = form.clean(self)
            touched = [name for name in model_admin.reason_fields if name in self.changed_data]
            if touched and model_admin.warranty_action and not model_admin.may(request, model_admin.warranty_action, obj):
                self.add_error(touched[0], _("You may not change warranty-defining data."))
            elif touched and not (cleaned.get(REASON_FIELD) or "").strip():
                self.add_error(REASON_FIELD, _("Please give the reason for this change."))
            return cleaned

        return type(form.__name__, (form,), {"clean": clean})

    def save_form(self, request, form, change):
        """Save through the service (in the admin's transaction); `form.instance` becomes the saved record."""
        from django.core.exceptions import ValidationError

        from .errors import ServiceError

        many = {f.name for f in self.model._meta.many_to_many}
        names = [n for n in self.service_fields if n in form.cleaned_data and (not change or n in form.changed_data)]
        data = {n: list(form.cleaned_data[n]) if n in many else form.cleaned_data[n] for n in names}
        reason = (form.cleaned_data.get(REASON_FIELD) or "").strip()
        try:
            if change:
                stored = self.model._default_manager.get(pk=form.instance.pk)
                saved = self.update(request.user, stored, data, stored.version, reason)
            else:
                saved = self.create(request.user, {**data, "reason": reason})
        except ServiceError as error:
            raise AdminRefused(str(error.message)) from error
        except ValidationError as error:
            raise AdminRefused(" ".join(error.messages)) from error
        form.instance.__dict__.update(saved.__dict__)
        return form.instance

    def save_model(self, request, obj, form, change):
        """Already saved by the service (save_form)."""

    def save_related(self, request, form, formsets, change):
        """Many-to-many fields went through the service; only inlines are left (and the service
        wrote the history row)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        from django.contrib import messages
        from django.http import HttpResponseRedirect

        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AdminRefused as refused:  # raised inside the admin's transaction: nothing was saved
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """Who exported which personal data, when, with which filters and how many rows (PIPL)."""

    view_action = "accounts.manage"

    list_display = ["created_at", "actor", "channel", "model", "row_count", "destination"]
    list_filter = ["channel", "model"]
    search_fields = ["actor", "model", "destination"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "user", "actor", "channel", "model", "filters", "row_count", "destination"]


@admin.register(DemoMarker)
class DemoMarkerAdmin(LayerAdmin):
    """Shown so an administrator can see that a database is a demo one (`demo --reset` relies on it)."""

    list_display = ["created_at"]
    view_action = "accounts.manage"
    delete_action = "accounts.manage"
