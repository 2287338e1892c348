"""REST API of penalties (issue 8): /compensation/ (+ statement), /breach-exemptions/ (claim, list)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhou.accounts.permissions import require
from shouhou.contracts.models import Contract
from shouhou.core.api import ScopedViewSetMixin
from shouhou.tickets.models import Attachment

from .models import BreachExemption, Clock, Compensation
from .models_penalties import ExemptionReason
from .reports import parse_month
from .services.penalties import claim_exemption, monthly_statement


class CompensationSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    clock_name = serializers.CharField(source="clock.name", read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, coerce_to_string=True,
                                      help_text="CNY after the per-request cap, as a decimal string.")

    class Meta:
        model = Compensation
        fields = ["id", "ticket", "ticket_number", "clock", "clock_name", "contract", "month", "late_seconds",
                  "rate", "basis", "amount", "status", "created_at"]
        read_only_fields = fields


class StatementQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    month = serializers.CharField(required=False, help_text="YYYY-MM; default the current month.")


class StatementLineSerializer(serializers.Serializer):
    compensation = CompensationSerializer()
    payable = serializers.DecimalField(max_digits=12, decimal_places=2)


class StatementSerializer(serializers.Serializer):
    contract = serializers.IntegerField(source="contract.pk")
    month = serializers.CharField()
    cap = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    assessed = serializers.DecimalField(max_digits=12, decimal_places=2)
    exempted = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    lines = StatementLineSerializer(many=True)


class CompensationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Compensation records of the requests the user sees (one per clock that stopped late)."""

    scoped_model = Compensation
    serializer_class = CompensationSerializer
    select_related = ("ticket", "clock")
    ordering = ["month", "created_at", "id"]

    @extend_schema(parameters=[StatementQuerySerializer], responses={
        200: StatementSerializer, 404: OpenApiResponse(description="No such contract among those you may see.")})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def statement(self, request):
        """A contract's monthly statement: every record, exempted ones at 0, the monthly cap applied."""
        require(request.user, "plan.view")
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            month = parse_month(query.validated_data.get("month"))
        except ValueError as exc:
            raise ValidationError({"month": "YYYY-MM"}) from exc
        contract = get_object_or_404(Contract.objects.visible_to(request.user), pk=query.validated_data["contract"])
        return Response(StatementSerializer(monthly_statement(contract, month)).data)


class BreachExemptionSerializer(serializers.ModelSerializer):
    reason = serializers.ChoiceField(choices=ExemptionReason.choices)

    class Meta:
        model = BreachExemption
        fields = ["id", "ticket", "clock", "reason", "explanation", "evidence", "state", "claimed_by", "claimed_at",
                  "decided_at"]
        read_only_fields = ["ticket", "state", "claimed_by", "claimed_at", "decided_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["clock"].queryset = Clock.objects.visible_to(request.user)
            self.fields["evidence"].queryset = Attachment.objects.visible_to(request.user)


class BreachExemptionViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin,
                             mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Breach exemptions (免责): claim one for a breached clock with evidence; it goes to approval."""

    scoped_model = BreachExemption
    serializer_class = BreachExemptionSerializer
    select_related = ("clock",)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        exemption = claim_exemption(request.user, data["clock"], reason=data["reason"],
                                    explanation=data["explanation"], evidence=data["evidence"])
        return Response(self.get_serializer(exemption).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("compensation", CompensationViewSet, basename="compensation")
    router.register("breach-exemptions", BreachExemptionViewSet, basename="breach-exemption")
