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

from .models import (
    EscalationRule,
    PlanClauses,
    PlanPenaltyCap,
    PlanZoneRule,
    ServicePlan,
    Target,
    TargetPenalty,
)
from .models_clauses import WEEKDAYS, WindowMode, validate_window_hours
from .models_penalties import PenaltyBasis

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
    penalty_rate = forms.DecimalField(label=_("penalty: amount per hour late (CNY)"), max_digits=12,
                                      decimal_places=2, min_value=0, required=False,
                                      help_text=_("Empty: no penalty on this target."))
    penalty_basis = forms.ChoiceField(label=_("penalty counted"), choices=PenaltyBasis.choices,
                                      initial=PenaltyBasis.STARTED_HOUR, required=False)
    penalty_cap = forms.DecimalField(label=_("penalty cap per request (CNY)"), max_digits=12, decimal_places=2,
                                     min_value=0, required=False)

    PENALTY = ("penalty_rate", "penalty_basis", "penalty_cap")

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
        penalty = TargetPenalty.objects.filter(target_id=self.instance.pk).first() if self.instance.pk else None
        if penalty is not None:
            self.initial.update(penalty_rate=penalty.rate, penalty_basis=penalty.basis,
                                penalty_cap=penalty.cap_per_ticket)

    def penalty_changed(self) -> bool:
        return any(name in self.changed_data for name in self.PENALTY)

    def penalty(self) -> dict | None:
        """The penalty as entered, or None (no amount: no penalty)."""
        d = self.cleaned_data
        if d.get("penalty_rate") is None:
            return None
        return {"rate": d["penalty_rate"], "basis": d.get("penalty_basis") or PenaltyBasis.STARTED_HOUR,
                "cap_per_ticket": d.get("penalty_cap")}

    def clean(self):
        data = super().clean()
        if not data.get("own_pauses"):
            data["pause_statuses"] = None
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name != "own_pauses"}

    def has_changed(self) -> bool:
        # An empty extra form whose penalty basis shows its default is still an empty form.
        return any(name not in ("penalty_basis",) for name in self.changed_data) or (
            self.instance.pk is not None and "penalty_basis" in self.changed_data)


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


class TermsForm(forms.Form):
    """The plan's clauses and its monthly penalty cap (one row each per plan)."""

    unsigned_is_not_done = forms.BooleanField(label=PlanClauses._meta.get_field("unsigned_is_not_done").verbose_name,
                                              help_text=PlanClauses._meta.get_field("unsigned_is_not_done").help_text,
                                              required=False)
    leave_needs_consent = forms.BooleanField(label=PlanClauses._meta.get_field("leave_needs_consent").verbose_name,
                                             help_text=PlanClauses._meta.get_field("leave_needs_consent").help_text,
                                             required=False)
    loaner_until_resolved = forms.BooleanField(
        label=PlanClauses._meta.get_field("loaner_until_resolved").verbose_name,
        help_text=PlanClauses._meta.get_field("loaner_until_resolved").help_text, required=False)
    accept_is_contact = forms.BooleanField(
        label=PlanClauses._meta.get_field("accept_is_contact").verbose_name,
        help_text=PlanClauses._meta.get_field("accept_is_contact").help_text, required=False)
    recurrence_days = forms.IntegerField(label=PlanClauses._meta.get_field("recurrence_days").verbose_name,
                                         help_text=PlanClauses._meta.get_field("recurrence_days").help_text,
                                         min_value=1, max_value=365, required=False)
    appointment_window = forms.ChoiceField(label=PlanClauses._meta.get_field("appointment_window").verbose_name,
                                           choices=WindowMode.choices, required=False)
    appointment_days = forms.TypedMultipleChoiceField(
        label=PlanClauses._meta.get_field("appointment_days").verbose_name, choices=WEEKDAYS, coerce=int,
        required=False, widget=forms.CheckboxSelectMultiple)
    appointment_hours = forms.CharField(label=PlanClauses._meta.get_field("appointment_hours").verbose_name,
                                        help_text=PlanClauses._meta.get_field("appointment_hours").help_text,
                                        max_length=200, required=False, validators=[validate_window_hours])
    appointment_skip_holidays = forms.BooleanField(
        label=PlanClauses._meta.get_field("appointment_skip_holidays").verbose_name,
        help_text=PlanClauses._meta.get_field("appointment_skip_holidays").help_text, required=False)
    monthly_cap = forms.DecimalField(label=_("penalty cap per month (CNY)"), max_digits=12, decimal_places=2,
                                     min_value=0, required=False)
    monthly_cap_share = forms.DecimalField(label=_("penalty cap per month (share of the monthly fee)"), max_digits=5,
                                           decimal_places=4, min_value=0, max_value=1, required=False,
                                           help_text=_("E.g. 0.1 for ten per cent of the monthly contract fee."))
    monthly_fee = forms.DecimalField(label=_("monthly contract fee (CNY)"), max_digits=12, decimal_places=2,
                                     min_value=0, required=False)

    CLAUSES = ("unsigned_is_not_done", "leave_needs_consent", "loaner_until_resolved", "accept_is_contact", "recurrence_days",
               "appointment_window", "appointment_days", "appointment_hours", "appointment_skip_holidays")
    CAP = ("monthly_cap", "monthly_cap_share", "monthly_fee")

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        for model, names in ((PlanClauses, self.CLAUSES), (PlanPenaltyCap, self.CAP)):
            row = model.objects.filter(plan_id=plan.pk).first() if plan is not None else None
            if row is not None:
                self.initial.update({n: getattr(row, n) for n in names})

    def clean(self):
        data = super().clean()
        if data.get("appointment_window") and not (data.get("appointment_days") and data.get("appointment_hours")):
            self.add_error("appointment_hours", _("A working window needs its weekdays and its hours."))
        return data

    def part(self, names) -> dict:
        return {n: self.cleaned_data.get(n) for n in names}


class ZoneRuleForm(forms.ModelForm):
    class Meta:
        model = PlanZoneRule
        fields = ["zone", "province", "city", "district", "order"]
        help_texts = {"province": _("All of province, city and district empty: the default zone "
                                    "(the rest of the country).")}

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


ZoneRuleFormSet = inlineformset_factory(ServicePlan, PlanZoneRule, form=ZoneRuleForm, extra=1, can_delete=True)
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
