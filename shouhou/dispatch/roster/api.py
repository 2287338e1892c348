"""REST API of the duty roster (P2.2, P14.11): /api/v1/duty-shifts/, /api/v1/duty-patterns/,
/api/v1/duty-coverage/.

Reading needs "roster.view" (an engineer: his own duty; dealers and customers: 403), writing
"roster.edit"; every write goes through roster.services (audited: GET …/{id}/history/)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhou.accounts.models import Team
from shouhou.accounts.permissions import assignable_engineers, may
from shouhou.contracts.models import Contract
from shouhou.core.api import HistoryMixin, ScopedRelatedField, ScopedViewSetMixin
from shouhou.sla.serializers_write import ZoneCodeField

from ..filters import DutyShiftFilter
from . import services
from .models import WEEKDAYS, DutyPattern, DutyShift

_REASON = {"write_only": True, "required": False, "allow_blank": True, "max_length": 500,
           "help_text": "Why the roster is changed; shown in its change history."}


class MayUseRoster(permissions.BasePermission):
    """Read: "roster.view"; write: "roster.edit"."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return may(user, "roster.view" if request.method in permissions.SAFE_METHODS else "roster.edit")


class _PlaceSerializer(serializers.ModelSerializer):
    engineer = serializers.PrimaryKeyRelatedField(queryset=assignable_engineers(), required=False, allow_null=True,
                                                  help_text="A field engineer; or name a team.")
    engineer_name = serializers.CharField(source="engineer.display_name", read_only=True, default=None)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    zone = ZoneCodeField(required=False, allow_null=True, help_text="A service zone's code; null: every zone.")
    contract = ScopedRelatedField(Contract, required=False, allow_null=True, help_text="null: every contract.")
    where = serializers.CharField(read_only=True)
    reason = serializers.CharField(**_REASON)


class DutyShiftSerializer(_PlaceSerializer):
    class Meta:
        model = DutyShift
        fields = ["id", "engineer", "engineer_name", "team", "zone", "contract", "where", "starts_at", "ends_at",
                  "note", "pattern", "reason"]
        read_only_fields = ["pattern"]


class DutyPatternSerializer(_PlaceSerializer):
    weekdays = serializers.ListField(child=serializers.ChoiceField(choices=WEEKDAYS), min_length=1,
                                     help_text="0 = Monday … 6 = Sunday.")

    class Meta:
        model = DutyPattern
        fields = ["id", "name", "engineer", "engineer_name", "team", "zone", "contract", "where", "weekdays",
                  "start_time", "end_time", "valid_from", "valid_until", "active", "generated_until", "reason"]
        read_only_fields = ["generated_until"]


class CoverageGapSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    zone = serializers.CharField(help_text="The zone's name; empty: everywhere.")
    contract = serializers.CharField(help_text="The contract's number when it has duty of its own; else empty.")
    label = serializers.CharField(help_text="The gap as the roster page shows it.")


def _save(serializer, call):
    data = dict(serializer.validated_data)
    reason = data.pop("reason", "")
    try:
        serializer.instance = call(data, reason)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "message_dict") else {"detail": exc.messages}) from exc


class DutyShiftViewSet(HistoryMixin, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Duty shifts: who is on call when and where."""

    scoped_model = DutyShift
    serializer_class = DutyShiftSerializer
    permission_classes = [MayUseRoster]
    filterset_class = DutyShiftFilter
    ordering_fields = ["starts_at", "ends_at"]
    ordering = ["starts_at", "id"]
    select_related = ("engineer", "team", "zone", "contract")

    def perform_create(self, serializer):
        _save(serializer, lambda data, reason: services.save_shift(self.request.user, None, data, reason=reason))

    def perform_update(self, serializer):
        _save(serializer, lambda data, reason: services.save_shift(self.request.user, serializer.instance, data,
                                                                   reason=reason))

    def perform_destroy(self, instance):
        services.delete_shift(self.request.user, instance, reason=self.request.query_params.get("reason", ""))

    @extend_schema(responses=DutyShiftSerializer(many=True), filters=False, summary="Who is on duty at an instant",
                   parameters=[OpenApiParameter("at", OpenApiTypes.DATETIME, description="Default: now.")])
    @action(detail=False, methods=["get"], url_path="on-duty", filter_backends=[], pagination_class=None)
    def on_duty(self, request):
        at = serializers.DateTimeField().to_internal_value(request.query_params["at"]) \
            if request.query_params.get("at") else timezone.now()
        on_duty = services.on_duty_now(at)
        visible = set(self.get_queryset().filter(pk__in=[s.pk for s in on_duty]).values_list("pk", flat=True))
        shifts = [s for s in on_duty if s.pk in visible]
        return Response(DutyShiftSerializer(shifts, many=True, context={"request": request}).data)


class DutyPatternViewSet(HistoryMixin, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                         viewsets.ReadOnlyModelViewSet):
    """Weekly duty patterns; saving one (re)generates its shifts ahead."""

    scoped_model = DutyPattern
    serializer_class = DutyPatternSerializer
    permission_classes = [MayUseRoster]
    ordering = ["start_time", "id"]
    select_related = ("engineer", "team", "zone", "contract")

    def perform_create(self, serializer):
        _save(serializer, lambda data, reason: services.save_pattern(self.request.user, None, data, reason=reason))

    def perform_update(self, serializer):
        _save(serializer, lambda data, reason: services.save_pattern(self.request.user, serializer.instance, data,
                                                                     reason=reason))


class CoverageViewSet(viewsets.ViewSet):
    """Coverage gaps: when a plan's round-the-clock promise has nobody on duty in the next days."""

    permission_classes = [MayUseRoster]

    @extend_schema(responses=CoverageGapSerializer(many=True),
                   parameters=[OpenApiParameter("days", OpenApiTypes.INT,
                                                description=f"How far ahead (1–60; default {services.CHECK_DAYS}).")])
    def list(self, request):
        try:
            days = int(request.query_params.get("days") or services.CHECK_DAYS)
        except ValueError:
            days = 0
        if not 1 <= days <= 60:
            raise ValidationError({"days": [str(_("Look 1 to 60 days ahead."))]})
        return Response(CoverageGapSerializer(services.coverage_gaps(days), many=True).data)


def register(router):
    router.register("duty-shifts", DutyShiftViewSet, basename="duty-shift")
    router.register("duty-patterns", DutyPatternViewSet, basename="duty-pattern")
    router.register("duty-coverage", CoverageViewSet, basename="duty-coverage")
