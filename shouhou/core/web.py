"""The helpers every app's pages share: filtered list pages, history panels, versioned forms.

List pages filter through the app's one FilterSet and paginate; edit pages carry the version
they were loaded at and turn service refusals into form errors, a stale save into a clear
conflict message (409 in the API, a form error here).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views import View

from shouhou.core import audit
from shouhou.core.errors import ConflictError, ServiceError
from shouhou.core.hooks import history_for
from shouhou.core.rights import require

PAGE_SIZE = 25


def filtered_page(request, filterset_class, queryset, page_size: int = PAGE_SIZE) -> dict:
    """Context for a list page: the bound filter form, the page of rows, the query string sans page."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(rows, page_size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"filter": filterset, "page": page, "rows": page.object_list, "query": params.urlencode()}


def history_sections(request, obj, hidden=()) -> list[dict]:
    """Panels other apps register for `obj` (core.hooks), rendered for the current user, then the
    object's change history (core.audit) without the fields in `hidden` (those the user may not see)."""
    sections = [
        {"title": section.title, "html": render_to_string(section.template, section.context, request)}
        for section in history_for(request.user, obj)
    ]
    if audit.is_audited(type(obj)):
        sections.append(audit.section(request, obj, hidden=hidden))
    return sections


class VersionedForm(forms.Form):
    """An action's form: carries the version of the record the user saw, so a stale submit is a 409."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that carries the version it was loaded at (hidden) for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Shown in the record's change history."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            del self.fields["reason"]  # a new record's history starts with "created"
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"
                field.widget.format = "%Y-%m-%d"

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def run_service(form: VersionedModelForm, call):
    """Call a service with the form's data; on refusal attach the reason to the form and return None."""
    try:
        return call(form.data_for_service())
    except ConflictError as exc:
        form.add_error(None, exc.message)
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    return None


class ServiceFormView(LoginRequiredMixin, View):
    """The create or edit page of one record whose writes go through services.

    GET shows the form (an edit page carries the version it was loaded at); POST validates, calls
    `create(data)` or `update(data, version)` — the app's service — and redirects on success, or
    shows the service's refusal on the form: a stale version as a conflict message (the API's
    409), a missing reason for a warranty-defining change on the reason field.

    A subclass names `model`, `form_class` and the permission-layer `action`, and implements
    `create`/`update` (and `title`).  The user needs `action` at all (403), the record must be one
    the user can see (404), and `action` must reach that record (403).  A record created under
    another one (a customer's site) names `parent_model`, looked up from the URL's `parent_kwarg`.
    """

    model: Any = None
    form_class: Any = None
    action = ""
    template_name = "core/form.html"
    parent_model: Any = None
    parent_kwarg = "parent_pk"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(request.user, self.action)
        self.object = self.get_object()
        if self.object is not None:
            require(request.user, self.action, self.object)
        self.parent = self.get_parent()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(self.model.objects.visible_to(self.request.user), pk=pk)

    def get_parent(self):
        if self.parent_model is None or self.parent_kwarg not in self.kwargs:
            return None
        return get_object_or_404(self.parent_model.objects.visible_to(self.request.user),
                                 pk=self.kwargs[self.parent_kwarg])

    def get_form_kwargs(self) -> dict:
        kwargs: dict[str, Any] = {"data": self.request.POST or None, "user": self.request.user}
        if self.object is not None:
            # The form's own copy: validation writes onto its instance, the service gets the record.
            kwargs["instance"] = self.model._default_manager.get(pk=self.object.pk)
        elif self.request.method == "GET" and self.initial():
            kwargs["initial"] = self.initial()
        return kwargs

    def initial(self) -> dict | None:
        return None

    def create(self, data: dict):
        raise NotImplementedError

    def update(self, data: dict, version: int | None):
        raise NotImplementedError

    def title(self) -> str:
        raise NotImplementedError

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def cancel_url(self) -> str:
        return self.object.get_absolute_url()

    def get(self, request, *args, **kwargs):
        return self.render(self.form_class(**self.get_form_kwargs()))

    def post(self, request, *args, **kwargs):
        form = self.form_class(**self.get_form_kwargs())
        if form.is_valid():
            def call(data):
                if self.object is None:
                    return self.create(data)
                return self.update(data, form.cleaned_data.get("version"))

            obj = run_service(form, call)
            if obj is not None:
                messages.success(request, _("Saved."))
                return redirect(self.success_url(obj))
        return self.render(form)

    def render(self, form):
        return render(self.request, self.template_name,
                      {"form": form, "title": self.title(), "cancel": self.cancel_url()})
