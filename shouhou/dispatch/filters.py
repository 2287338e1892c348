"""One FilterSet per model, shared by the list pages and the API (style rule 3)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shouhou.core.filters import AnyBooleanFilter

from .models import FaultReport, Visit


class VisitFilter(django_filters.FilterSet):
    ticket = django_filters.NumberFilter(field_name="ticket_id", label=_("service request"))
    engineer = django_filters.NumberFilter(field_name="engineer_id", label=_("engineer"))
    asset = django_filters.NumberFilter(field_name="ticket__asset_id", label=_("asset"))
    signed = AnyBooleanFilter(field_name="signed_at", lookup_expr="isnull", exclude=True,
                                          label=_("signed"))
    appointment_after = django_filters.IsoDateTimeFilter(field_name="appointment_at", lookup_expr="gte",
                                                         label=_("appointment from"))
    appointment_before = django_filters.IsoDateTimeFilter(field_name="appointment_at", lookup_expr="lt",
                                                          label=_("appointment before"))

    class Meta:
        model = Visit
        fields = ["ticket", "engineer", "asset", "signed", "appointment_after", "appointment_before"]


class FaultReportFilter(django_filters.FilterSet):
    ticket = django_filters.NumberFilter(field_name="ticket_id", label=_("service request"))
    asset = django_filters.NumberFilter(field_name="ticket__asset_id", label=_("asset"))
    shared_with_customer = AnyBooleanFilter(label=_("sent to the customer"))

    class Meta:
        model = FaultReport
        fields = ["ticket", "asset", "shared_with_customer"]
