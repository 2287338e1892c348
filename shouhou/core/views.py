"""The base views every app's pages stand on: the create/edit page of a record (ServiceFormView)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from .rights import require
from .web import run_service


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
