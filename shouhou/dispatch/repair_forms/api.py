"""REST API of repair task forms (P13.8): /api/v1/repair-task-forms/.

List and detail from `RepairTaskForm.objects.visible_to(user)`; create and versioned update of a
draft, and `submit` for approval, all through repair_forms.services.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.accounts.permissions import users_with
from shouhou.core.api import ScopedModelViewSet
from shouhou.tickets.models import Ticket

from . import services
from .models import RepairTaskForm


class RepairTaskFormSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.none())
    project_manager = serializers.PrimaryKeyRelatedField(
        queryset=users_with("repair_form.view"))
    project_manager_name = serializers.CharField(source="project_manager.display_name", read_only=True)

    class Meta:
        model = RepairTaskForm
        fields = ["id", "number", "ticket", "findings", "cause", "scope", "parts", "cost_estimate", "planned_start",
                  "planned_end", "project_manager", "project_manager_name", "status", "created_by", "created_at",
                  "approved_at", "version"]
        read_only_fields = ["status", "created_by", "created_at", "approved_at", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # a ticket outside the caller's scope is "does not exist", never "forbidden"
            self.fields["ticket"].queryset = Ticket.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["ticket"].read_only = True


def _as_drf_error(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class RepairTaskFormViewSet(ScopedModelViewSet):
    """Repair task forms (维修任务书) of the service requests the user may see (our own staff only)."""

    scoped_model = RepairTaskForm
    serializer_class = RepairTaskFormSerializer
    select_related = ("ticket", "project_manager")
    filterset_fields = ["ticket", "status"]
    ordering_fields = ["created_at", "planned_start"]

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        ticket = data.pop("ticket")
        try:
            serializer.instance = services.create_repair_form(self.request.user, ticket, **data)
        except ValidationError as error:
            raise _as_drf_error(error) from None

    def perform_versioned_update(self, instance, validated_data, expected_version):
        validated_data.pop("ticket", None)
        try:
            return services.update_repair_form(self.request.user, instance, expected_version, **validated_data)
        except ValidationError as error:
            raise _as_drf_error(error) from None

    @extend_schema(request=None, responses=RepairTaskFormSerializer,
                   summary="Submit a draft for approval (department head, then unit leader)")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        form = services.submit_repair_form(request.user, self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=form.pk)).data)


def register(router):
    """Add this module's viewset to the /api/v1/ router."""
    router.register("repair-task-forms", RepairTaskFormViewSet, basename="repair-task-form")
