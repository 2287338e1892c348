"""One FilterSet per model, shared by the list pages and the API (style rule 3; core.filters)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shouhou.core.filters import SearchFilterSet, scoped

from .models import Contact, Customer, ServiceZone, Site


class CustomerFilter(SearchFilterSet):
    search_fields = ("code", "name", "phone", "address")
    is_key_customer = django_filters.BooleanFilter(label=_("key customer"))
    dealer = django_filters.NumberFilter(label=_("dealer"), field_name="dealer_id")

    class Meta:
        model = Customer
        fields = ["q", "is_key_customer", "dealer"]


class SiteFilter(SearchFilterSet):
    search_fields = ("name", "address", "customer__name")
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=scoped(Customer))
    zone = django_filters.ModelChoiceFilter(label=_("service zone"), queryset=ServiceZone.objects.all())

    class Meta:
        model = Site
        fields = ["q", "customer", "zone"]


class ContactFilter(SearchFilterSet):
    search_fields = ("name", "phone", "email", "title")
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=scoped(Customer))
    site = django_filters.NumberFilter(label=_("site"), field_name="site_id")

    class Meta:
        model = Contact
        fields = ["q", "customer", "site", "is_primary"]
