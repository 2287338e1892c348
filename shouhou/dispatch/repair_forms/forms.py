"""The repair task form's page form; repair_forms.services change state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.permissions import users_with

from .models import RepairTaskForm


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_role_display()}）"


class RepairTaskFormForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    project_manager = PersonChoiceField(
        label=_("project manager"), queryset=users_with("repair_form.view")
        .order_by("role", "username"),
        help_text=_("The original project manager leads the repair when still available."),
    )

    class Meta:
        model = RepairTaskForm
        fields = ["findings", "cause", "scope", "parts", "cost_estimate", "planned_start", "planned_end",
                  "project_manager"]
        widgets = {
            "findings": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "scope": forms.Textarea(attrs={"rows": 4}),
            "parts": forms.Textarea(attrs={"rows": 2}),
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
