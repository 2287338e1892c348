"""One FilterSet per model, shared by the list page and the API (style rule 3)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.filters import AnyBooleanFilter, SearchFilterSet, scoped
from shouhou.customers.models import Customer

from .choices import ServiceLevel, WarrantyStartRule
from .models import Contract


class ContractFilter(SearchFilterSet):
    search_fields = ("number", "title", "customer__name")
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=scoped(Customer))
    service_level = django_filters.ChoiceFilter(label=_("service level"), choices=ServiceLevel.choices)
    warranty_start_rule = django_filters.ChoiceFilter(label=_("warranty starts"), choices=WarrantyStartRule.choices)
    active = AnyBooleanFilter(label=_("active today"), method="filter_active")
    site = django_filters.NumberFilter(label=_("covers site"), field_name="sites")
    asset = django_filters.NumberFilter(label=_("covers asset"), field_name="assets")

    class Meta:
        model = Contract
        fields = ["q", "customer", "service_level", "warranty_start_rule", "active", "site", "asset"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        active = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
        return queryset.filter(active) if value else queryset.exclude(active)
