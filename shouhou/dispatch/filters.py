"""One FilterSet per model, shared by the list pages and the API (style rule 3)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import FaultReport, Visit


class VisitFilter(django_filters.FilterSet):
    ticket = django_filters.NumberFilter(field_name="ticket_id", label=_("service request"))
    engineer = django_filters.NumberFilter(field_name="engineer_id", label=_("engineer"))
    asset = django_filters.NumberFilter(field_name="ticket__asset_id", label=_("asset"))
    signed = django_filters.BooleanFilter(field_name="signed_at", lookup_expr="isnull", exclude=True,
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
    shared_with_customer = django_filters.BooleanFilter(label=_("sent to the customer"))

    class Meta:
        model = FaultReport
        fields = ["ticket", "asset", "shared_with_customer"]


class DutyShiftFilter(django_filters.FilterSet):
    """Duty shifts overlapping [after, before), of an engineer, a team or a zone (code)."""

    after = django_filters.IsoDateTimeFilter(field_name="ends_at", lookup_expr="gt", label=_("ending after"))
    before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt", label=_("starting before"))
    engineer = django_filters.NumberFilter(field_name="engineer_id", label=_("engineer"))
    team = django_filters.NumberFilter(field_name="team_id", label=_("team"))
    zone = django_filters.CharFilter(field_name="zone__code", label=_("service zone"))

    class Meta:
        from .roster.models import DutyShift

        model = DutyShift
        fields = ["after", "before", "engineer", "team", "zone"]
