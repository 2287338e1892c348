"""Edit forms for customers, sites and contacts; they carry the version (optimistic locking)."""

from django import forms

from shouhou.accounts.permissions import may
from shouhou.core.web import VersionedModelForm

from .models import Contact, Customer, Site


class CustomerForm(VersionedModelForm):
    class Meta:
        model = Customer
        fields = ["code", "name", "is_key_customer", "dealer", "organisation", "phone", "email", "address", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not may(self.user, "customer.link"):
            # Dealers keep their customers (P6.1): the dealer and portal link are the desk's to set.
            del self.fields["dealer"]
            del self.fields["organisation"]


class SiteForm(VersionedModelForm):
    class Meta:
        model = Site
        fields = ["name", "address", "province", "city", "district", "zone", "time_zone"]


class ContactForm(VersionedModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "site", "is_primary"]

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        customer = customer or self.instance.customer
        self.fields["site"].queryset = Site.objects.filter(customer=customer)
