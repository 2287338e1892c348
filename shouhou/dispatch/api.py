"""REST API of dispatch: /api/v1/visits/, /api/v1/fault-reports/, /api/v1/engineers/.

Every queryset comes from `visible_to(user)`; a visit outside the user's scope is a 404 for
every action.  Actions call dispatch.services and answer with the visit as it is afterwards.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.accounts.permissions import assignable_engineers, may
from shouhou.core.api import IdempotentCreateMixin, ScopedViewSetMixin
from shouhou.tickets.choices import OPEN_STATES
from shouhou.tickets.serializers import VoidSerializer

from . import services
from .filters import FaultReportFilter, VisitFilter
from .models import FaultReport, Visit, VisitAmendment
from .serializers import (
    AmendmentSerializer,
    EngineerSerializer,
    FaultReportSerializer,
    LeaveSerializer,
    SignSerializer,
    VisitAmendmentSerializer,
    VisitSerializer,
    VisitStepSerializer,
)
from .signature import decode_signature


class VisitViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Visits (上门服务) of the service requests the user may see; steps of the visit as actions."""

    scoped_model = Visit
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    ordering_fields = ["created_at", "appointment_at", "arrived_at", "signed_at"]
    ordering = ["-created_at", "-id"]
    search_fields = ["work_done", "parts_used", "signer_name"]

    def get_queryset(self):
        return (
            super().get_queryset()
            .select_related("ticket", "engineer")
            .prefetch_related(Prefetch("amendments", VisitAmendment.objects.select_related("author")))
            .order_by("-created_at", "-id")
        )

    def _answer(self, visit, code=status.HTTP_200_OK):
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk), context={"request": self.request}).data,
                        status=code)

    @extend_schema(request=VisitStepSerializer, responses=VisitSerializer, summary="Set off to the site (en route)")
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        visit = self.get_object()
        data = self._valid(VisitStepSerializer)
        return self._answer(services.start_travel(request.user, visit.ticket, visit=visit,
                                                  expected_version=data.get("version")))

    @extend_schema(request=VisitStepSerializer, responses=VisitSerializer, summary="Arrive on site")
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        visit = self.get_object()
        data = self._valid(VisitStepSerializer)
        return self._answer(services.record_arrival(request.user, visit.ticket, visit=visit,
                                                    expected_version=data.get("version")))

    @extend_schema(request=LeaveSerializer, responses=VisitSerializer, summary="Leave: work done and parts used")
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        visit = self.get_object()
        data = self._valid(LeaveSerializer)
        return self._answer(services.record_departure(request.user, visit, data["work_done"], data["parts_used"],
                                                      data["customer_consent"]))

    @extend_schema(request=SignSerializer, responses=VisitSerializer,
                   summary="Customer signs the visit record (drawn PNG or own account)")
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        visit = self.get_object()
        data = self._valid(SignSerializer)
        png = decode_signature(data["signature"]) if data["method"] == "drawn" else None
        return self._answer(services.sign_visit(request.user, visit, data["method"], data["signer_name"], png))

    @extend_schema(request=AmendmentSerializer, responses={201: VisitAmendmentSerializer},
                   summary="Amend a signed visit record (the original stays as signed)")
    @action(detail=True, methods=["post"])
    def amendments(self, request, pk=None):
        visit = self.get_object()
        data = dict(self._valid(AmendmentSerializer))
        reason = data.pop("reason")
        amendment = services.amend_visit(request.user, visit, reason, **data)
        return Response(VisitAmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoidSerializer, responses=VisitSerializer,
                   summary="Void an unsigned visit record made in error, with a reason (a signed one is refused: "
                           "amend it)")
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        visit = self.get_object()
        data = self._valid(VoidSerializer)
        return self._answer(services.void_visit(request.user, visit, reason=data["reason"]))

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class FaultReportViewSet(ScopedViewSetMixin, IdempotentCreateMixin, mixins.CreateModelMixin,
                         mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Fault analysis reports (P5.4); customer users see only those shared with them."""

    scoped_model = FaultReport
    serializer_class = FaultReportSerializer
    filterset_class = FaultReportFilter
    ordering_fields = ["created_at"]
    search_fields = ["cause", "fix", "prevention"]

    def get_queryset(self):
        return super().get_queryset().select_related("author").order_by("-created_at", "-id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.write_fault_report(
            self.request.user, data["ticket"], data["cause"], data["fix"], data["prevention"],
            data.get("shared_with_customer", True),
        )


class MayListEngineers(permissions.BasePermission):
    """Our staff and dealer staff pick engineers ("engineer.view"); customer users may not list our people."""

    def has_permission(self, request, view):
        return may(request.user, "engineer.view")


class EngineerViewSet(viewsets.ReadOnlyModelViewSet):
    """Active field engineers with their current open load, for assignment pickers."""

    serializer_class = EngineerSerializer
    permission_classes = [permissions.IsAuthenticated, MayListEngineers]
    search_fields = ["username", "first_name", "last_name", "phone"]
    ordering_fields = ["username", "open_jobs"]

    def get_queryset(self):
        return (
            assignable_engineers()
            .annotate(open_jobs=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATES)))
            .order_by("username")
        )


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("visits", VisitViewSet, basename="visit")
    router.register("fault-reports", FaultReportViewSet, basename="fault-report")
    router.register("engineers", EngineerViewSet, basename="engineer")
