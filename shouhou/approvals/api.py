"""REST API of approvals: /api/v1/approvals/ (list, detail, decide, withdraw).

The list is `ApprovalRequest.objects.visible_to(user)`; `?waiting_for_me=true` narrows it to what
the user may decide now and `?mine=true` to what the user asked for.  A request outside the
user's involvement is a 404 for every action.  Decisions call approvals.services.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import HistoryMixin, ScopedViewSetMixin

from . import services
from .choices import Outcome, RequestState
from .models import ApprovalFlow, ApprovalRequest, ApprovalStep, RequestStep
from .services import MAX_REASON


class ApprovalPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ApprovalStepSerializer(serializers.ModelSerializer):
    """One step with its decision flattened in (null fields while the step waits)."""

    label = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField(), source="role_list")
    approver = serializers.IntegerField(source="approver_id", allow_null=True, help_text="The named approver, if any.")
    approver_name = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    decided_at = serializers.SerializerMethodField()

    class Meta:
        model = RequestStep
        fields = ["position", "label", "roles", "approver", "approver_name", "outcome", "reason", "decided_by",
                  "decided_by_name", "decided_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_approver_name(self, step):
        return step.approver.display_name if step.approver_id else None

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices, allow_null=True))
    def get_outcome(self, step):
        return step.decided.outcome if step.decided else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_reason(self, step):
        return step.decided.reason if step.decided else ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_decided_by(self, step):
        return step.decided.decided_by_id if step.decided else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by_name(self, step):
        return step.decided.decided_by.display_name if step.decided else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_decided_at(self, step):
        return serializers.DateTimeField().to_representation(step.decided.decided_at) if step.decided else None


class ApprovalSubjectSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="app_label.model of the subject, e.g. dispatch.repairtaskform")
    id = serializers.IntegerField()


# Named "Approval" in the schema: a component ending in "Request" reads as a request body.
@extend_schema_serializer(component_name="Approval")
class ApprovalRequestSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="flow.kind")
    kind_label = serializers.CharField(source="flow.label")
    subject = serializers.SerializerMethodField()
    requested_by = ApprovalPersonSerializer()
    steps = ApprovalStepSerializer(many=True)
    can_decide = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalRequest
        fields = ["id", "kind", "kind_label", "title", "summary", "state", "subject", "requested_by",
                  "requested_at", "current_position", "finished_at", "steps", "can_decide"]

    @extend_schema_field(ApprovalSubjectSerializer)
    def get_subject(self, obj):
        return {"type": f"{obj.content_type.app_label}.{obj.content_type.model}", "id": obj.object_id}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_decide(self, obj) -> bool:
        return obj.can_decide(self.context["request"].user)


class DecideSerializer(serializers.Serializer):
    step = serializers.IntegerField(required=False, min_value=1, max_value=32767,
                                    help_text="The step position you decide; refused (409) if the request moved on.")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_REASON, default="")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_REASON, default="")


class ApprovalRequestFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=RequestState.choices)
    kind = filters.CharFilter(field_name="flow__kind")
    waiting_for_me = filters.BooleanFilter(method="filter_waiting", label="waiting for my decision")
    mine = filters.BooleanFilter(method="filter_mine", label="requested by me")

    class Meta:
        model = ApprovalRequest
        fields = ["state", "kind"]

    def filter_waiting(self, qs, name, value):
        if value is None:
            return qs
        waiting = ApprovalRequest.objects.waiting_for(self.request.user).values("pk")
        return qs.filter(pk__in=waiting) if value else qs.exclude(pk__in=waiting)

    def filter_mine(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(requested_by=self.request.user) if value else qs.exclude(requested_by=self.request.user)


class ApprovalRequestViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Approval requests the user is involved in; `decide` records a decision on the current step."""

    scoped_model = ApprovalRequest
    serializer_class = ApprovalRequestSerializer
    filterset_class = ApprovalRequestFilter
    permission_classes = [permissions.IsAuthenticated]
    ordering_fields = ["requested_at", "finished_at"]
    search_fields = ["title", "summary"]

    def get_queryset(self):
        steps = RequestStep.objects.select_related("approver", "decision__decided_by").order_by("position")
        return (super().get_queryset().select_related("flow", "requested_by", "content_type")
                .prefetch_related(Prefetch("steps", steps), "decisions").order_by("-requested_at", "-id"))

    def _answer(self, approval):
        return Response(self.get_serializer(self.get_queryset().get(pk=approval.pk)).data)

    @extend_schema(request=DecideSerializer, responses=ApprovalRequestSerializer,
                   summary="Approve, reject or return the current step (reason required to reject or return)")
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        approval = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        valid = data.validated_data
        services.decide_request(request.user, approval, valid["outcome"], valid["reason"], valid.get("step"))
        return self._answer(approval)

    @extend_schema(request=WithdrawSerializer, responses=ApprovalRequestSerializer,
                   summary="The requester withdraws a pending request")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        approval = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.withdraw_request(request.user, approval, data.validated_data["reason"])
        return self._answer(approval)


class FlowStepSerializer(serializers.ModelSerializer):
    label = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField(), source="role_list")
    approver = serializers.IntegerField(source="approver_id", allow_null=True, help_text="The named approver, if any.")

    class Meta:
        model = ApprovalStep
        fields = ["position", "label", "name", "roles", "approver"]


class ApprovalFlowSerializer(serializers.ModelSerializer):
    label = serializers.CharField()
    steps = FlowStepSerializer(many=True)

    class Meta:
        model = ApprovalFlow
        fields = ["id", "kind", "label", "name", "description", "active", "updated_at", "steps"]


class ApprovalFlowViewSet(HistoryMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Approval flows (edited in the admin) with their steps; `history` lists every edit of the flow
    and of its steps: who, when, before → after and why."""

    scoped_model = ApprovalFlow
    serializer_class = ApprovalFlowSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        steps = ApprovalStep.objects.select_related("approver").order_by("position")
        return super().get_queryset().prefetch_related(Prefetch("steps", steps)).order_by("kind")


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("approvals", ApprovalRequestViewSet, basename="approval")
    router.register("approval-flows", ApprovalFlowViewSet, basename="approval-flow")
