"""REST API of the notify app: /api/v1/outbox/ (internal staff, read-only, issue 3) and each user's
own notifications and preferences: /api/v1/notifications/, /api/v1/notification-preferences/ (issue 7)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shouhou.core.api import ScopedViewSetMixin

from . import services
from .choices import PERSONAL_CHANNELS, ChatApp
from .filters import OutboxFilter
from .models import (
    ChatAccount,
    EventKind,
    Notification,
    NotificationPreference,
    OutboxMessage,
    can_see_outbox,
)


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


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "link", "created_at", "read_at", "unread"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="My notifications, newest first (?unread=1: unread only)"),
    retrieve=extend_schema(summary="One of my notifications"),
)
class NotificationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The signed-in user's own in-app notifications; anybody else's answer 404."""

    scoped_model = Notification
    select_related = ("kind",)
    serializer_class = NotificationSerializer
    filter_backends: list = []
    search_fields: list[str] = []

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.unread() if self.request.query_params.get("unread") in ("1", "true") else qs

    @extend_schema(summary="Mark one of my notifications read", request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.mark_read(request.user, self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary="Mark all my notifications read", request=None,
                   responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(request.user)})

    @extend_schema(summary="How many of my notifications are unread",
                   responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": Notification.objects.visible_to(request.user).unread().count()})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=EventKind.objects.all(), allow_null=True,
                                        required=False, help_text="An event kind's code; null: every kind.")
    channels = serializers.ListField(child=serializers.ChoiceField(choices=list(PERSONAL_CHANNELS)),
                                     help_text="Personal channels besides in-app (always on): email, sms, chat.")


class ChatAccountSerializer(serializers.Serializer):
    app = serializers.ChoiceField(choices=ChatApp.choices)
    account_id = serializers.CharField(max_length=100, allow_blank=True)


@extend_schema_view(
    list=extend_schema(summary="My notification preferences (per event kind, kind null = all kinds)"),
    create=extend_schema(summary="Choose my channels for one event kind or for all"),
)
class PreferenceViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own channel choices and chat account."""

    serializer_class = PreferenceSerializer
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return NotificationPreference.objects.filter(user=self.request.user).select_related("kind")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_preference(request.user, serializer.validated_data.get("kind"),
                                serializer.validated_data["channels"])
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Forget my choice for one event kind", request=None, responses={204: None})
    @action(detail=False, methods=["delete"], url_path=r"kinds/(?P<code>[-\w.]+)")
    def clear(self, request, code=None):
        services.clear_preference(request.user, get_object_or_404(EventKind, code=code))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["get"], summary="My chat app account", responses=ChatAccountSerializer)
    @extend_schema(methods=["put"], summary="Set my chat app account (empty id removes it)",
                   request=ChatAccountSerializer, responses=ChatAccountSerializer)
    @action(detail=False, methods=["get", "put"], url_path="chat-account")
    def chat_account(self, request):
        if request.method == "PUT":
            serializer = ChatAccountSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.set_chat_account(request.user, serializer.validated_data["app"],
                                      serializer.validated_data["account_id"])
        account = ChatAccount.objects.filter(user=request.user).first()
        return Response({"app": account.app if account else "", "account_id": account.account_id if account else ""})


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("outbox", OutboxViewSet, basename="outbox")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("notification-preferences", PreferenceViewSet, basename="notification-preference")
