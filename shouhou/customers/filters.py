"""One FilterSet per model, shared by the list pages and the API (style rule 3; core.filters)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.phone_search import search_q
from shouhou.core.filters import AnyBooleanFilter, SearchFilterSet, scoped

from .models import Contact, Customer, ServiceZone, Site


class PhoneSearchFilterSet(SearchFilterSet):
    """`q` over `search_fields` and, as accounts.phone_search allows, `phone_fields`: a search never
    confirms a number the user sees masked (issue 6, PIPL)."""

    phone_fields: tuple[str, ...] = ()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset.filter(search_q(user, queryset, value, phone_fields=self.phone_fields,
                                        text_fields=self.search_fields))


class CustomerFilter(PhoneSearchFilterSet):
    search_fields = ("code", "name", "address")
    phone_fields = ("phone",)
    is_key_customer = AnyBooleanFilter(label=_("key customer"))
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


class ContactFilter(PhoneSearchFilterSet):
    search_fields = ("name", "email", "title")
    phone_fields = ("phone",)
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=scoped(Customer))
    site = django_filters.NumberFilter(label=_("site"), field_name="site_id")

    class Meta:
        model = Contact
        fields = ["q", "customer", "site", "is_primary"]
