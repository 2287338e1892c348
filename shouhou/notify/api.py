"""REST API of the notify app: /api/v1/outbox/, read-only, for internal staff (issue 3)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from shouhou.core.api import ScopedViewSetMixin

from .filters import OutboxFilter
from .models import OutboxMessage, can_see_outbox


class IsInternalStaff(permissions.BasePermission):
    """Only our company's people; dealers and customers get 403 (deny by default)."""

    def has_permission(self, request, view):
        return can_see_outbox(request.user)


class OutboxMessageSerializer(serializers.ModelSerializer):
    recipient = serializers.CharField(source="display_recipient", read_only=True,
                                      help_text="E-mail address, or a webhook URL masked to its host.")
    endpoint_name = serializers.CharField(source="endpoint.name", read_only=True, default=None, allow_null=True)
    payload = serializers.DictField(read_only=True, help_text="Machine-readable details (ticket, clock, rule…).")

    class Meta:
        model = OutboxMessage
        fields = ["id", "channel", "format", "endpoint", "endpoint_name", "recipient", "subject", "body", "payload",
                  "dedupe_key", "status", "attempts", "next_attempt_at", "last_error", "sent_at", "created_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List outbox messages (internal staff)"),
    retrieve=extend_schema(summary="One outbox message (internal staff)"),
)
class OutboxViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Notifications queued for e-mail and webhooks, with their delivery state."""

    scoped_model = OutboxMessage
    select_related = ("endpoint",)
    serializer_class = OutboxMessageSerializer
    permission_classes = [IsInternalStaff]
    filterset_class = OutboxFilter
    ordering_fields = ["created_at", "next_attempt_at", "attempts", "id"]
    ordering = ["-created_at", "-id"]
    search_fields: list[str] = []  # searching goes through the FilterSet's `q`


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("outbox", OutboxViewSet, basename="outbox")
