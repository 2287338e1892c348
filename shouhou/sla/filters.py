"""One FilterSet per model, shared by the list pages and the API (style rule 3)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from shouhou.core.filters import AnyBooleanFilter

from .choices import ClockState, TargetKind
from .models import Clock, ServicePlan, WorkingCalendar


class ClockFilter(django_filters.FilterSet):
    """Clocks by state, kind, ticket and due window ("what breaches before …")."""

    state = django_filters.MultipleChoiceFilter(label=_("state"), choices=ClockState.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=TargetKind.choices)
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lte", label=_("due before"))
    due_after = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte", label=_("due after"))
    ticket = django_filters.NumberFilter(field_name="ticket_id", label=_("service request"))
    contract = django_filters.NumberFilter(field_name="ticket__contract_id", label=_("contract"))

    class Meta:
        model = Clock
        fields = ["state", "kind", "due_before", "due_after", "ticket", "contract"]


class ServicePlanFilter(django_filters.FilterSet):
    is_template = AnyBooleanFilter(label=_("template"))
    source = django_filters.CharFilter(label=_("source"))
    contract = django_filters.NumberFilter(field_name="contract_id", label=_("contract"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = ServicePlan
        fields = ["is_template", "source", "contract", "q"]


class WorkingCalendarFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = WorkingCalendar
        fields = ["q"]
