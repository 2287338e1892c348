"""REST API of the SLA app: /calendars/, /service-plans/ (+ compliance), /clocks/ (issue 3)."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhou.accounts.permissions import require
from shouhou.contracts.models import Contract
from shouhou.core.api import HistoryMixin, ScopedViewSetMixin
from shouhou.core.params import int_param

from .filters import ClockFilter, ServicePlanFilter, WorkingCalendarFilter
from .models import Clock, ServicePlan, WorkingCalendar
from .reports import compliance_by_kind, explain_payload, parse_month
from .serializers import (
    CalendarDaySerializer,
    CalendarDayWriteSerializer,
    ClockSerializer,
    ComplianceQuerySerializer,
    ComplianceSerializer,
    CreateFromTemplateSerializer,
    ExplainSerializer,
    NoticeResultSerializer,
    NoticeSerializer,
    ServicePlanSerializer,
    WorkingCalendarSerializer,
)
from .services import create_plan_from_template, save_calendar_day
from .services.calendars import delete_calendar_day
from .services.schedules import enter_notice, read_notice


class CalendarViewSet(HistoryMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Working calendars with their expiry warning; `days` lists and writes the dated exceptions,
    `notice` takes the State Council's yearly notice (issue 8)."""

    scoped_model = WorkingCalendar
    serializer_class = WorkingCalendarSerializer
    filterset_class = WorkingCalendarFilter
    ordering_fields = ["code", "known_until"]
    ordering = ["code"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(methods=["GET"], responses=CalendarDaySerializer(many=True),
                   parameters=[OpenApiParameter("year", int, description="Only this year's days.")])
    @extend_schema(methods=["POST"], request=CalendarDayWriteSerializer, responses={200: CalendarDaySerializer})
    @action(detail=True, methods=["get", "post"])
    def days(self, request, pk=None):
        """The dated exceptions (GET, a year with ?year=); POST adds or changes one day (admins),
        recomputing the calendar's open clocks."""
        calendar = self.get_object()
        if request.method == "POST":
            body = CalendarDayWriteSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            row = save_calendar_day(request.user, calendar, day=body.validated_data["date"],
                                    kind=body.validated_data["kind"], name=body.validated_data["name"],
                                    hours=body.validated_data["hours"])
            return Response(CalendarDaySerializer(row).data)
        qs = calendar.days.order_by("date")
        year = int_param(request.query_params, "year", minimum=1900, maximum=2100)
        if year is not None:
            qs = qs.filter(date__year=year)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(CalendarDaySerializer(page, many=True).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"days/(?P<day>\d{4}-\d{2}-\d{2})")
    def delete_day(self, request, pk=None, day=None):
        """Remove one dated exception (admins): the day follows the weekly pattern again."""
        calendar = self.get_object()
        try:
            when = date.fromisoformat(day)
        except ValueError as exc:
            raise ValidationError({"day": "not a date"}) from exc
        delete_calendar_day(request.user, calendar, when)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=NoticeSerializer, responses={200: NoticeResultSerializer})
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Enter the State Council's notice for a year (admins): `preview` reads it and saves nothing;
        otherwise the year's days replace the provisional ones and open clocks are recomputed."""
        calendar = self.get_object()
        body = NoticeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        require(request.user, "calendar.change")
        text, year = body.validated_data["text"], body.validated_data.get("year")
        parsed = read_notice(text, year)
        out = {"year": parsed.year, "saved": False, "days": parsed.days, "warnings": parsed.messages,
               "known_until": calendar.known_until, "changed_clocks": None}
        if not body.validated_data["preview"]:
            result = enter_notice(request.user, calendar, text, year)
            out.update(saved=True, known_until=result["known_until"], changed_clocks=result["recompute"]["changed"])
        return Response(NoticeResultSerializer(out).data)


class ServicePlanViewSet(HistoryMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Plan templates (is_template=true) and contracts' plans, with targets and escalation rules."""

    scoped_model = ServicePlan
    serializer_class = ServicePlanSerializer
    filterset_class = ServicePlanFilter
    ordering_fields = ["name", "source"]
    ordering = ["-is_template", "source", "name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("targets", "escalations")

    @extend_schema(request=CreateFromTemplateSerializer, responses={201: ServicePlanSerializer})
    @action(detail=True, methods=["post"], url_path="create-plan")
    def create_plan(self, request, pk=None):
        """Build a contract's plan from this template (create_plan_from_template)."""
        template = self.get_object()
        body = CreateFromTemplateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = get_object_or_404(Contract.objects.visible_to(request.user), pk=body.validated_data["contract"])
        plan = create_plan_from_template(request.user, template, contract, name=body.validated_data.get("name", ""))
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(ServicePlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ComplianceQuerySerializer], responses={
        200: ComplianceSerializer, 403: OpenApiResponse(description="Customer users: compliance is for service staff and dealers."),
        404: OpenApiResponse(description="No such contract among those you may see.")})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def compliance(self, request):
        """SLA compliance for a month per target kind: total, met, breached, running, compliance %.

        Only clocks of requests the user sees count (Clock.objects.visible_to); `contract` must be
        one the user sees.  Staff and dealer staff only, like the compliance page.
        """
        require(request.user, "plan.view")
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = parse_month(query.validated_data.get("month"))
        clocks = Clock.objects.visible_to(request.user)
        contract_id = query.validated_data.get("contract")
        if contract_id is not None:
            contract = get_object_or_404(Contract.objects.visible_to(request.user), pk=contract_id)
            clocks = clocks.filter(ticket__contract=contract)
        report = compliance_by_kind(clocks, month)
        return Response(ComplianceSerializer({"contract": contract_id, "month": month, **report}).data)


class ClockViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Clocks of the tickets the user sees; filter by state and due_before, order by due_at."""

    scoped_model = Clock
    serializer_class = ClockSerializer
    filterset_class = ClockFilter
    select_related = ("ticket", "target", "calendar")
    ordering_fields = ["due_at", "started_at"]
    ordering = ["due_at", "id"]

    @extend_schema(responses=ExplainSerializer)
    @action(detail=True, methods=["get"])
    def explain(self, request, pk=None):
        """The events that started, paused, resumed and stopped the clock, working vs wall time."""
        return Response(ExplainSerializer(explain_payload(self.get_object())).data)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("calendars", CalendarViewSet, basename="calendar")
    router.register("service-plans", ServicePlanViewSet, basename="service-plan")
    router.register("clocks", ClockViewSet, basename="clock")
    from .api_penalties import register as register_penalties

    register_penalties(router)
