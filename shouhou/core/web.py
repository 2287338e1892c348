"""The helpers every app's pages share: filtered list pages, history panels, versioned forms.

List pages filter through the app's one FilterSet and paginate; edit pages carry the version
they were loaded at and turn service refusals into form errors, a stale save into a clear
conflict message (409 in the API, a form error here).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from shouhou.core import audit
from shouhou.core.errors import ConflictError, ServiceError
from shouhou.core.hooks import history_for

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
        # The same context as a ticket page's `{% include section.template with section=section %}`
        # (section.context.…), plus the flat names older section templates read.
        {"title": section.title,
         "html": render_to_string(section.template, {**section.context, "section": section}, request)}
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

