"""Asset form: the customer follows from the site; choices list only what the user can see."""

from django.utils.translation import gettext_lazy as _

from shouhou.accounts.permissions import may
from shouhou.core.web import VersionedModelForm
from shouhou.customers.models import Customer, Site

from .models import Asset, ProductModel


class AssetForm(VersionedModelForm):
    class Meta:
        model = Asset
        fields = ["serial_no", "certificate_no", "product_model", "site", "customer", "location",
                  "install_date", "acceptance_date", "notes"]
        help_texts = {"customer": _("Only needed for a unit without a site; otherwise the site's customer.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["site"].queryset = Site.objects.visible_to(user).select_related("customer")
        self.fields["site"].label_from_instance = lambda s: f"{s.customer.name} · {s.name}"
        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        self.fields["customer"].required = False
        if "reason" in self.fields:  # install and acceptance dates define the warranty (issue 6)
            self.fields["reason"].help_text = _("Required when the install or acceptance date changes.")
        if self.instance.pk and not may(user, "asset.change_warranty", self.instance):
            for name in ("install_date", "acceptance_date"):
                self.fields[name].disabled = True


class ProductModelForm(VersionedModelForm):
    class Meta:
        model = ProductModel
        fields = ["code", "name", "category", "default_warranty_months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "reason" in self.fields:  # the default warranty applies to units no contract covers (issue 6)
            self.fields["reason"].help_text = _("Required when the default warranty changes.")
