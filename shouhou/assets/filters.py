"""One FilterSet per model, shared by the list pages and the API (style rule 3)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.filters import AnyBooleanFilter, SearchFilterSet, scoped
from shouhou.customers.models import Customer

from .models import Asset, ProductModel


class ProductModelFilter(SearchFilterSet):
    search_fields = ("code", "name", "category")

    class Meta:
        model = ProductModel
        fields = ["q", "category"]


class AssetFilter(SearchFilterSet):
    search_fields = ("serial_no", "certificate_no", "location", "customer__name", "site__name")
    serial_no = django_filters.CharFilter(label=_("serial no."), field_name="serial_no", lookup_expr="iexact")
    customer = django_filters.ModelChoiceFilter(label=_("customer"), queryset=scoped(Customer))
    site = django_filters.NumberFilter(label=_("site"), field_name="site_id")
    product_model = django_filters.ModelChoiceFilter(label=_("product model"), queryset=ProductModel.objects.all())
    in_warranty = AnyBooleanFilter(label=_("in warranty"), method="filter_in_warranty")

    class Meta:
        model = Asset
        fields = ["q", "serial_no", "customer", "site", "product_model", "in_warranty"]

    def filter_in_warranty(self, queryset, name, value):
        """Covered today (Asia/Shanghai) by the derived warranty dates."""
        today = timezone.localdate()
        covered = queryset.filter(warranty_start__lte=today, warranty_end__gte=today)
        if value is None:
            return queryset
        return covered if value else queryset.exclude(pk__in=covered.values("pk"))
