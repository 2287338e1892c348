"""Contract form: customer, level, warranty rule and months, covered sites and units."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.assets.models import Asset
from shouhou.core.web import VersionedModelForm
from shouhou.customers.models import Customer, Site

from .models import Contract


class ContractForm(VersionedModelForm):
    class Meta:
        model = Contract
        fields = ["number", "title", "customer", "service_level", "warranty_months", "warranty_start_rule",
                  "warranty_terms", "start_date", "end_date", "sites", "assets"]
        widgets = {
            "warranty_terms": forms.Textarea(attrs={"rows": 3}),
            "sites": forms.CheckboxSelectMultiple,
            "assets": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(self.user)
        sites = Site.objects.visible_to(self.user).select_related("customer")
        assets = Asset.objects.visible_to(self.user).select_related("customer")
        if self.instance.pk:
            # The customer of a contract is fixed; offer only its sites and units.
            self.fields["customer"].disabled = True
            sites = sites.filter(customer_id=self.instance.customer_id)
            assets = assets.filter(customer_id=self.instance.customer_id)
        if "reason" in self.fields:  # level, warranty terms, dates and coverage define the promise
            self.fields["reason"].help_text = _("Required when the level, warranty terms, dates or coverage change.")
        self.fields["sites"].queryset = sites
        self.fields["assets"].queryset = assets
        self.fields["sites"].label_from_instance = lambda s: f"{s.customer.name} · {s.name}"
        self.fields["assets"].label_from_instance = lambda a: f"{a.customer.name} · {a.serial_no}"
