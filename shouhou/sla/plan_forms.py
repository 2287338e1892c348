"""Forms of the service manager's plan editor (issue 8): the plan, its targets and escalation ladder
as Django formsets — every list a set of checkboxes, never JSON typed into a text box."""

from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from shouhou.contracts.choices import ServiceLevel
from shouhou.contracts.models import Contract
from shouhou.customers.models import ServiceZone, Site
from shouhou.tickets.choices import Status
from shouhou.tickets.severity import SeverityLevel, plain_choices, severity_choices

from .models import EscalationRule, ServicePlan, Target

CHECKS = forms.CheckboxSelectMultiple


def _statuses():
    return [(value, label) for value, label in Status.choices]


class PlanForm(forms.ModelForm):
    pause_statuses = forms.MultipleChoiceField(label=_("statuses that pause clocks"), choices=_statuses,
                                               required=False, widget=CHECKS)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("reason for the change"), max_length=500, required=False)

    class Meta:
        model = ServicePlan
        fields = ["name", "contract", "base", "calendar", "pause_statuses", "description"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        plans = ServicePlan.objects.visible_to(user).exclude(pk=self.instance.pk).filter(line__isnull=True)
        self.fields["base"].queryset = plans.order_by("name")
        self.fields["base"].help_text = _("A variant takes the base plan's targets and overrides only some of them.")
        if self.instance.pk:
            del self.fields["contract"]
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["contract"].queryset = (Contract.objects.visible_to(user)
                                                .filter(service_plan__isnull=True).order_by("number"))
            self.fields["contract"].required = False


class TargetForm(forms.ModelForm):
    severities = forms.TypedMultipleChoiceField(label=_("severities"), choices=plain_choices, coerce=int,
                                                required=False, widget=CHECKS, help_text=_("None ticked: every severity."))
    service_levels = forms.MultipleChoiceField(label=_("service levels"), choices=ServiceLevel.choices,
                                               required=False, widget=CHECKS, help_text=_("None ticked: every level."))
    zones = forms.MultipleChoiceField(label=_("zones"), choices=(), required=False, widget=CHECKS,
                                      help_text=_("None ticked: every zone."))
    own_pauses = forms.BooleanField(label=_("own pausing statuses"), required=False,
                                    help_text=_("Unticked: the clock pauses when the plan says."))
    pause_statuses = forms.MultipleChoiceField(label=_("statuses that pause this clock"), choices=_statuses,
                                               required=False, widget=CHECKS)

    class Meta:
        model = Target
        fields = ["kind", "name", "amount", "unit", "calendar", "start_event", "stop_event", "severities",
                  "service_levels", "zones", "warranty", "own_pauses", "pause_statuses", "replaces", "order",
                  "commitment"]

    def __init__(self, *args, base_targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].choices = [(z.code, z.name) for z in ServiceZone.objects.order_by("code")]
        self.fields["replaces"].queryset = Target.objects.filter(pk__in=[t.pk for t in base_targets])
        self.fields["replaces"].label_from_instance = lambda t: f"{t.plan.name} · {t.name}"
        self.initial["own_pauses"] = self.instance.pk is not None and self.instance.pause_statuses is not None

    def clean(self):
        data = super().clean()
        if not data.get("own_pauses"):
            data["pause_statuses"] = None
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name != "own_pauses"}


class RuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["level", "name", "target", "trigger", "share", "offset_minutes", "action", "reassign_to", "commitment"]

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = plan.targets.all() if plan is not None else Target.objects.none()
        self.fields["target"].empty_label = _("all targets")

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


TargetFormSet = inlineformset_factory(ServicePlan, Target, form=TargetForm, extra=1, can_delete=True)
RuleFormSet = inlineformset_factory(ServicePlan, EscalationRule, form=RuleForm, fk_name="plan", extra=1,
                                    can_delete=True)


class PreviewForm(forms.Form):
    severity = forms.TypedChoiceField(label=_("severity"), choices=severity_choices, coerce=int, initial=1)
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none(), required=False)
    service_level = forms.ChoiceField(label=_("service level"), choices=[("", "—"), *ServiceLevel.choices],
                                      required=False)
    at = forms.DateTimeField(label=_("reported at"), required=False, help_text=_("Leave empty for now."),
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, user=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        sites = Site.objects.visible_to(user).select_related("zone")
        if plan is not None and plan.head.contract_id:
            sites = sites.filter(customer_id=plan.head.contract.customer_id)
        self.fields["site"].queryset = sites.order_by("name")


class PublishForm(forms.Form):
    effective_from = forms.DateTimeField(label=_("effective from"), required=False,
                                         help_text=_("Leave empty for now."),
                                         widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    recompute = forms.BooleanField(label=_("recompute open requests onto this version"), required=False,
                                   help_text=_("Unticked: open requests keep the version they were reported under."))
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class BacktestForm(forms.Form):
    months = forms.IntegerField(label=_("months"), min_value=1, max_value=24, initial=3)


SeverityFormSet = forms.modelformset_factory(SeverityLevel, fields=["rank", "name", "definition", "active"], extra=1,
                                             widgets={"definition": forms.Textarea(attrs={"rows": 2})})
