"""The charging pages' forms; charging.services change state."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import RECORDED_KINDS, EntitlementStatus, LineKind
from .models import Part


class QuoteForm(forms.Form):
    work_at = forms.DateTimeField(label=_("work done at"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  help_text=_("For night, rest-day and holiday surcharges; empty: now."))


class QuoteLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=RECORDED_KINDS, initial=LineKind.PARTS)
    part = forms.ModelChoiceField(label=_("part"), queryset=Part.objects.none(), required=False)
    quantity = forms.DecimalField(label=_("quantity"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2, initial=1,
                                  help_text=_("Pieces, hours of labour, or trips / kilometres."))
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    entered_price = forms.DecimalField(label=_("actual cost (tax incl.)"), required=False, min_value=0,
                                       max_digits=12, decimal_places=2,
                                       help_text=_("Travel charged at actual cost only."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = Part.objects.visible_to(user).filter(active=True)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {key: value for key, value in data.items() if value not in (None, "")}


class OverrideForm(forms.Form):
    status = forms.ChoiceField(label=_("entitlement"), choices=EntitlementStatus.choices)
    covered = forms.MultipleChoiceField(label=_("covered"), choices=RECORDED_KINDS, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("reason for the override"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class PriceListImportForm(forms.Form):
    file = forms.FileField(label=_("file"), help_text=_(".xlsx or .csv with the columns 备件编码, 名称, 单位, 税目, "
                                                         "含税单价, 成本价."))
    effective_from = forms.DateField(label=_("effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), max_length=200, required=False)
