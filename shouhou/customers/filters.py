"""One FilterSet per model, shared by the list pages and the API (style rule 3).

Choice lists offered by a filter are scoped like everything else: a dealer's customer dropdown
lists only that dealer's customers.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.phone_search import search_q

from .models import Contact, Customer, ServiceZone, Site


def scoped(model):
    """A django-filter queryset callable: the request user's visible records of `model`."""

    def queryset(request):
        if request is None:  # schema generation
            return model.objects.none()
        return model.objects.visible_to(request.user)

    return queryset


class SearchFilterSet(django_filters.FilterSet):
    """Adds `q`: a case-insensitive search over `search_fields`."""

    search_fields: tuple[str, ...] = ()
    phone_fields: tuple[str, ...] = ()  # searched only as accounts.phone_search allows (no masked number confirmed)
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset.filter(search_q(user, queryset, value, phone_fields=self.phone_fields,
                                        text_fields=self.search_fields))


class CustomerFilter(SearchFilterSet):
    search_fields = ("code", "name", "address")
    phone_fields = ("phone",)
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
    search_fields = ("name", "email", "title")
    phone_fields = ("phone",)
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=scoped(Customer))
    site = django_filters.NumberFilter(label=_("site"), field_name="site_id")

    class Meta:
        model = Contact
        fields = ["q", "customer", "site", "is_primary"]
