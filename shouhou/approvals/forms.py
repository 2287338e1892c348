"""Forms of the approval pages: the decision (with its reason) and the admin's step editor."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.choices import Role

from .choices import OUTCOMES_NEEDING_REASON, Outcome
from .models import ApprovalStep, join_roles, split_roles
from .services import MAX_REASON


class DecisionForm(forms.Form):
    """Approve, reject or return the current step; reject and return need a reason."""

    step = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=32767)
    outcome = forms.ChoiceField(label=_("decision"), choices=Outcome.choices, widget=forms.RadioSelect,
                                initial=Outcome.APPROVE)
    reason = forms.CharField(label=_("reason"), required=False, max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when you reject or return the request."))

    def clean(self):
        data = super().clean()
        if data.get("outcome") in OUTCOMES_NEEDING_REASON and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for this decision."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2}))


class StepAdminForm(forms.ModelForm):
    """Roles as check boxes in the admin; stored as a comma-separated list (see models.join_roles)."""

    roles = forms.MultipleChoiceField(label=_("approver roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApprovalStep
        fields = ["position", "name", "roles", "approver"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["roles"] = split_roles(self.instance.roles)

    def clean_roles(self):
        return join_roles(self.cleaned_data.get("roles") or [])
