"""The base of every app's FilterSet (one per model, shared by list pages and the API; style rule 3).

Choice lists offered by a filter are scoped like everything else (`scoped`): a dealer's customer
dropdown lists only that dealer's customers.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        cond = Q()
        for field in self.search_fields:
            cond |= Q(**{f"{field}__icontains": value})
        return queryset.filter(cond)
