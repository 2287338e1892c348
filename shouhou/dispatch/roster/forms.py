"""Forms of the roster pages: a shift, a weekly duty pattern.  They validate; roster.services saves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.models import Team
from shouhou.accounts.permissions import assignable_engineers
from shouhou.contracts.models import Contract
from shouhou.customers.models import ServiceZone

from ..forms import datetime_field
from .models import WEEKDAYS


class _EngineerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class _PlaceForm(forms.Form):
    engineer = _EngineerField(label=_("engineer"), required=False, queryset=assignable_engineers().order_by("username"))
    team = forms.ModelChoiceField(label=_("team"), required=False, queryset=Team.objects.order_by("name"),
                                  help_text=_("Or a team: any of its engineers answers."))
    zone = forms.ModelChoiceField(label=_("service zone"), required=False, queryset=ServiceZone.objects.order_by("code"),
                                  empty_label=_("every zone"))
    contract = forms.ModelChoiceField(label=_("contract"), required=False, queryset=Contract.objects.none(),
                                      empty_label=_("every contract"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.visible_to(user).order_by("number")

    def clean(self):
        data = super().clean()
        if not data.get("engineer") and not data.get("team"):
            self.add_error("engineer", _("Name the engineer or the team on duty."))
        return data


class ShiftForm(_PlaceForm):
    starts_at = datetime_field(_("on duty from"))
    ends_at = datetime_field(_("on duty until"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    reason = forms.CharField(label=_("reason for the change"), max_length=500, required=False,
                             help_text=_("Shown in the roster's change history, e.g. a swap agreed with 王工."))


class PatternForm(_PlaceForm):
    name = forms.CharField(label=_("name"), max_length=100, required=False,
                           help_text=_("E.g. night duty (夜班)."))
    weekdays = forms.TypedMultipleChoiceField(label=_("weekdays"), choices=WEEKDAYS, coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    start_time = forms.TimeField(label=_("on duty from"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("on duty until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                               help_text=_("At or before the start: the next day (20:00–08:00 is a night; "
                                           "00:00–00:00 is 24 hours)."))
    valid_from = forms.DateField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_until = forms.DateField(label=_("valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    active = forms.BooleanField(label=_("active"), required=False, initial=True)
    reason = forms.CharField(label=_("reason for the change"), max_length=500, required=False)
