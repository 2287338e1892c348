"""Forms of the SLA pages; services do the work (style rule 4)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.contracts.models import Contract

from .choices import MANUAL_EVENTS, ClockEvent, DayKind
from .models import validate_day_spec


class CreatePlanForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("contract"), queryset=Contract.objects.none(),
                                      help_text=_("Contracts that have no service plan yet."))
    name = forms.CharField(label=_("name"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = (Contract.objects.visible_to(user).filter(service_plan__isnull=True)
                                            .order_by("number"))


class MilestoneForm(forms.Form):
    event = forms.ChoiceField(label=_("event"), choices=[(e.value, e.label) for e in MANUAL_EVENTS])
    at = forms.DateTimeField(label=_("at"), required=False, help_text=_("Leave empty for now."),
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=_("note"), required=False, max_length=500)

    def clean_event(self):
        return ClockEvent(self.cleaned_data["event"]).value


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=DayKind.choices)
    name = forms.CharField(label=_("name"), max_length=100, required=False)
    hours = forms.CharField(label=_("working hours"), max_length=200, required=False, validators=[validate_day_spec],
                            help_text=_("Optional, e.g. 09:00-12:00,13:00-18:00."))


class CalendarImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns: date, day type (法定节假日 / 调休休息日 / 调休上班日, or 休 / 班), "
                                       "name, hours (optional)."))


class NoticeForm(forms.Form):
    text = forms.CharField(label=_("Text of the notice"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Paste the State Council's notice, or its numbered items "
                                       "(e.g. 一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班。)."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False,
                              help_text=_("Only needed when the text does not name the year."))
