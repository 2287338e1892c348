"""REST API of the SLA app: /calendars/, /service-plans/ (+ compliance), /clocks/ (issue 3),
/tickets/{id}/milestones/ (issue 8, api_milestones.py)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhou.accounts.permissions import require
from shouhou.core.api import HistoryMixin, ScopedViewSetMixin
from shouhou.core.params import int_param
from shouhou.core.versioning import etag_for

from .filters import ClockFilter, WorkingCalendarFilter
from .models import Clock, WorkingCalendar
from .plan_api import expected_version, run, valid
from .reports import explain_payload
from .serializers import (
    CalendarDaySerializer,
    CalendarDayWriteSerializer,
    ClockSerializer,
    ExplainSerializer,
    NoticeResultSerializer,
    NoticeSerializer,
    WorkingCalendarSerializer,
)
from .serializers_write import CalendarWriteSerializer
from .services import save_calendar_day
from .services.calendars import delete_calendar_day
from .services.reference import create_calendar, update_calendar
from .services.schedules import enter_notice, read_notice


class CalendarViewSet(HistoryMixin, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """Working calendars with their expiry warning; `days` lists and writes the dated exceptions,
    `notice` takes the State Council's yearly notice (issue 8).  Admins create calendars (POST) and
    change them (PATCH with If-Match: the calendar's version; a change of working hours recomputes
    the open clocks counted on it)."""

    scoped_model = WorkingCalendar
    serializer_class = WorkingCalendarSerializer
    filterset_class = WorkingCalendarFilter
    ordering_fields = ["code", "known_until"]
    ordering = ["code"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _out(self, calendar, code=status.HTTP_200_OK):
        response = Response(WorkingCalendarSerializer(calendar, context=self.get_serializer_context()).data,
                            status=code)
        response["ETag"] = etag_for(calendar)
        return response

    @extend_schema(request=CalendarWriteSerializer, responses={201: WorkingCalendarSerializer})
    def create(self, request, *args, **kwargs):
        body = CalendarWriteSerializer(data=request.data)
        data = dict(valid(body))
        reason = data.pop("reason", "")
        return self._out(run(body, lambda: create_calendar(request.user, data, reason=reason)), status.HTTP_201_CREATED)

    @extend_schema(request=CalendarWriteSerializer, responses={200: WorkingCalendarSerializer, 409: OpenApiResponse(
        description="stale_version: the calendar changed since the version you edited.")})
    def update(self, request, *args, **kwargs):
        calendar = self.get_object()
        body = CalendarWriteSerializer(calendar, data=request.data, partial=True)
        data = dict(valid(body))
        reason = data.pop("reason", "")
        version = expected_version(request)
        return self._out(run(body, lambda: update_calendar(request.user, calendar, data, version=version,
                                                           reason=reason)))

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
    from .plan_api import register as register_plans

    register_plans(router)
    router.register("clocks", ClockViewSet, basename="clock")
    from .api_penalties import register as register_penalties

    register_penalties(router)
    from .api_milestones import register as register_milestones  # /tickets/{id}/milestones/ (issue 8)

    register_milestones(router)
