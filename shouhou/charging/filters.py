"""One FilterSet per model, shared by the list pages and the API (style rule 3)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shouhou.core.filters import SearchFilterSet

from .choices import EntryKind, QuoteStatus, VatKind
from .models import ChargeEntry, Part, Quote


class PartFilter(SearchFilterSet):
    search_fields = ("code", "name")
    vat_kind = django_filters.ChoiceFilter(label=_("VAT kind"), choices=VatKind.choices)

    class Meta:
        model = Part
        fields = ["q", "vat_kind", "active"]


class QuoteFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=QuoteStatus.choices)

    class Meta:
        model = Quote
        fields = ["ticket", "status"]


class ChargeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=EntryKind.choices)

    class Meta:
        model = ChargeEntry
        fields = ["ticket", "quote", "kind"]
