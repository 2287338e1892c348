"""The one FilterSet for service requests, shared by the list page and the API (style rule 3)."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.models import Organisation, User
from shouhou.accounts.permissions import assignable_engineers, may
from shouhou.accounts.phone_search import digits_only, search_q
from shouhou.core.filters import ANY, AnyBooleanWidget
from shouhou.customers.models import Customer

from .choices import Channel, Status
from .models import Ticket
from .search import narrowed, own_text_prefilter, related_text_q
from .severity import plain_choices

# The request's own text that `q` searches (besides its customer's name and its asset's serial).
OWN_TEXT = ("title", "description", "reporter_name", "reported_customer", "reported_serial")
SERVICE_LEVELS = [("A", "A"), ("B", "B"), ("C", "C")]


def _customers(request):
    if request is None:
        return Customer.objects.none()
    return Customer.objects.visible_to(request.user).only("id", "name")


def _engineers(request):
    # Filtering by person or outlet is for those who see every dealer ("dealer.view": our staff).
    if request is None or not may(request.user, "dealer.view"):
        return User.objects.none()
    return assignable_engineers().order_by("first_name", "username")


def _dealers(request):
    if request is None or not may(request.user, "dealer.view"):
        return Organisation.objects.none()
    return Organisation.objects.filter(kind=OrganisationKind.DEALER)


def _any_first(choices):
    """A filter's choices with the blank "any" first: an untouched select filters nothing."""
    def choices_with_any():
        return [("", ANY), *choices()]
    return choices_with_any


# Filters only our own people and dealers use; customers never see them (internal.view).
INTERNAL_FILTERS = ("channel", "assignee", "assigned_dealer", "unverified", "unassigned")


class TicketOrderingFilter(django_filters.OrderingFilter):
    """Ordering whose "next due" puts requests without a running clock last, on every database
    (SQLite sorts NULL first, PostgreSQL last) — so `ordering=next_due_at` means "most urgent first"."""

    NULLS_LAST = frozenset({"next_due_at"})
    descending_fmt = _("%s (newest or highest first)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", ANY)
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param[1:] if descending else param]
        if name in self.NULLS_LAST:
            return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        return super().get_ordering_value(param)


class TicketFilter(django_filters.FilterSet):
    """Filters of the ticket list (API `/api/v1/tickets/` and page `/tickets/`).

    The base queryset is always `Ticket.objects.visible_to(user)`; filters only narrow it, and
    choice filters offer only what the user may see.  `q` searches the number (SR00000123),
    title, description, reporter name/phone, the customer named in the report and the customer's
    name, part of the serial reported or of the linked asset's serial (index-backed: search.py).

    "Next due" (issue 3) works on the derived column `next_due_at` (the earliest due time of the
    request's running clocks, kept by the sla app): `due_before` (an instant), `overdue`
    (true: already past due; false: not), `due_within` (minutes from now, overdue included), and
    `ordering=next_due_at` (most urgent first, requests without a running clock last).
    """

    q = django_filters.CharFilter(method="search", label=_("Search"),
                                  help_text=_("Number (SR00000123), title, description, customer, serial, reporter name or phone."))  # phone: see search
    # distinct=False: status is a column of the ticket itself, so no join can duplicate rows, and
    # DISTINCT would make PostgreSQL sort the whole filtered set before the first page.
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status"), distinct=False,
                                                 widget=forms.SelectMultiple(attrs={"size": 4}))
    # The blank choice first: without it the select always submitted the first level, so every
    # filtered search silently kept only level-1 requests (issue 10).
    severity = django_filters.TypedChoiceFilter(choices=_any_first(plain_choices), coerce=int, empty_value=None,
                                                label=_("severity"))
    service_level = django_filters.ChoiceFilter(choices=SERVICE_LEVELS, label=_("service level"), empty_label=ANY)
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"), empty_label=ANY)
    customer = django_filters.ModelChoiceFilter(queryset=_customers, label=_("customer"), empty_label=ANY)
    site = django_filters.NumberFilter(field_name="site_id", label=_("site (id)"), widget=forms.HiddenInput)
    asset = django_filters.NumberFilter(field_name="asset_id", label=_("asset (id)"), widget=forms.HiddenInput)
    assignee = django_filters.ModelChoiceFilter(queryset=_engineers, label=_("engineer"), empty_label=ANY)
    assigned_dealer = django_filters.ModelChoiceFilter(queryset=_dealers, label=_("dealer"), empty_label=ANY)
    unassigned = django_filters.BooleanFilter(method="filter_unassigned", label=_("unassigned"),
                                              widget=AnyBooleanWidget,
                                              help_text=_("Neither an engineer nor a dealer is assigned."))
    unverified = django_filters.BooleanFilter(label=_("unverified"), widget=AnyBooleanWidget)
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at", label=_("reported between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    due_before = django_filters.IsoDateTimeFilter(
        field_name="next_due_at", lookup_expr="lte", label=_("due before"),
        help_text=_("Requests with a running clock due at or before this time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"), widget=AnyBooleanWidget,
                                           help_text=_("A running clock is past its due time."))
    due_within = django_filters.NumberFilter(
        method="filter_due_within", label=_("due within (minutes)"), min_value=0, max_value=525_600,
        help_text=_("A running clock falls due within this many minutes from now (overdue included)."),
    )
    ordering = TicketOrderingFilter(
        fields=(("created_at", "created_at"), ("updated_at", "updated_at"), ("severity", "severity"),
                ("status", "status"), ("next_due_at", "next_due_at"), ("id", "id")),
        field_labels={"created_at": _("reported"), "updated_at": _("last changed"), "severity": _("severity"),
                      "status": _("status"), "next_due_at": _("next due"), "id": _("No.")},
        label=_("order by"),
    )

    class Meta:
        model = Ticket
        fields = ["q", "status", "severity", "service_level", "channel", "customer", "site", "asset",
                  "assignee", "assigned_dealer", "unassigned", "unverified", "created", "due_before", "overdue",
                  "due_within"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and not may(request.user, "internal.view"):
            # Customers filter by what they know: no engineer, dealer, channel or verification.
            for name in INTERNAL_FILTERS:
                self.filters.pop(name, None)
        if "assignee" in self.filters:
            self.filters["assignee"].field.label_from_instance = lambda u: u.display_name

    def filter_unassigned(self, queryset, name, value):
        if value is None:
            return queryset
        nobody = Q(assignee__isnull=True, assigned_dealer__isnull=True)
        return queryset.filter(nobody if value else ~nobody)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        if value:
            return queryset.filter(next_due_at__lt=now)
        return queryset.filter(Q(next_due_at__isnull=True) | Q(next_due_at__gte=now))

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(next_due_at__lte=timezone.now() + timedelta(minutes=float(value)))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = Ticket.id_from_number(value)
        if number is not None:
            return queryset.filter(pk=number)
        # Digits only (a phone number, or part of one) match phones and free text only where the
        # user sees numbers in full (accounts.phone_search): no search confirms a masked number.
        user = getattr(self.request, "user", None)
        own = search_q(user, queryset, value, phone_fields=("reporter_phone",), text_fields=OWN_TEXT)
        related = related_text_q(value)
        if digits_only(value) is None:
            # Letters in it: only the text fields can match, so an index narrows them first (search.py).
            prefilter = own_text_prefilter(value)
            if prefilter is not None:
                return narrowed(queryset, own, prefilter, related)
        else:
            own |= Q(reported_serial__iexact=value)  # a serial made of digits, told in full
        return queryset.filter(own | related)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Keep the index-backed default order stable for pagination when no ordering is given.
        if not self.form.cleaned_data.get("ordering"):
            return queryset.order_by("-created_at", "-id")
        return queryset.order_by(*queryset.query.order_by, "-id")
