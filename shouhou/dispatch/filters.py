"""One FilterSet per model, shared by the list pages and the API (style rule 3)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.models import User
from shouhou.accounts.permissions import assignable_engineers, may
from shouhou.core.filters import AnyBooleanFilter

from .models import FaultReport, Visit


def _engineers(request):
    """Engineers by display name: every engineer for whoever may list them, otherwise those who made
    the visits the user sees (a customer's own visits)."""
    if request is None:
        return User.objects.none()
    if may(request.user, "engineer.view"):
        return assignable_engineers().order_by("first_name", "username")
    return User.objects.filter(pk__in=Visit.objects.visible_to(request.user).values("engineer")).order_by(
        "first_name", "username")


class EngineerFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.label_from_instance = lambda user: user.display_name


class VisitFilter(django_filters.FilterSet):
    # ticket and asset come from links (the ticket's or asset's page), not typed ids.
    ticket = django_filters.NumberFilter(field_name="ticket_id", label=_("service request"), widget=forms.HiddenInput)
    engineer = EngineerFilter(field_name="engineer", queryset=_engineers, label=_("engineer"))
    asset = django_filters.NumberFilter(field_name="ticket__asset_id", label=_("asset"), widget=forms.HiddenInput)
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
