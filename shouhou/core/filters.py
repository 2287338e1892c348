"""The base of every app's FilterSet (one per model, shared by list pages and the API; style rule 3).

Choice lists offered by a filter are scoped like everything else (`scoped`): a dealer's customer
dropdown lists only that dealer's customers.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ANY = _("any")  # a filter left open: "不限", never Django's "unknown" or "---------"


class AnyBooleanWidget(django_filters.widgets.BooleanWidget):
    """Yes / no / any for a yes-no filter (the API's true/false values)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", ANY), ("true", _("yes")), ("false", _("no")))


class AnyBooleanFilter(django_filters.BooleanFilter):
    """A yes-no filter whose select offers "any" first."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AnyBooleanWidget)
        super().__init__(*args, **kwargs)


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
