"""REST API of the notify app: /api/v1/outbox/ (internal staff, read-only, issue 3) and each user's
own notifications and preferences: /api/v1/notifications/, /api/v1/notification-preferences/ (issue 7)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from shouhou.accounts.permissions import may
from shouhou.core.api import ScopedViewSetMixin
from shouhou.core.privacy import mask_phones_in_text, may_see_full_phone

from . import services
from .choices import PERSONAL_CHANNELS, ChatApp
from .filters import OutboxFilter
from .models import (
    ChatAccount,
    EventKind,
    Notification,
    NotificationPreference,
    NotificationRule,
    OutboxMessage,
    RuleTemplate,
    Watch,
    can_see_outbox,
)


class IsInternalStaff(permissions.BasePermission):
    """Only our company's people; dealers and customers get 403 (deny by default)."""

    def has_permission(self, request, view):
        return can_see_outbox(request.user)


@extend_schema_field({"type": "string", "maxLength": 64, "example": "ticket.assign"})
class KindCodeField(serializers.SlugRelatedField):
    """An event kind named by its code (at most 64 characters, notify.EventKind.code)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)


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

    def to_representation(self, instance):
        """A stored message keeps the numbers its recipient could see; a reader who sees phone numbers
        only masked (leadership, finance …) reads them masked here too (issue 6, PIPL)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not may_see_full_phone(request.user):
            for name in ("subject", "body", "payload"):
                data[name] = _masked(data[name])
        return data


def _masked(value):
    if isinstance(value, str):
        return mask_phones_in_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


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
    kind = KindCodeField(read_only=True, allow_null=True)
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


class WatchSerializer(serializers.ModelSerializer):
    type = serializers.CharField(write_only=True, max_length=100, help_text='The object\'s model, e.g. "tickets.ticket".')
    id = serializers.IntegerField(source="about_id", min_value=1, help_text="The object's id.")
    about = serializers.SerializerMethodField()

    class Meta:
        model = Watch
        fields = ["pk", "type", "id", "about", "created_at"]
        read_only_fields = ["pk", "about", "created_at"]

    def get_about(self, obj) -> str:
        return f"{obj.about_type.app_label}.{obj.about_type.model}"


@extend_schema_view(
    list=extend_schema(summary="What I follow"),
    create=extend_schema(summary="Follow an object I may see (rules naming the watchers then tell me)"),
    retrieve=extend_schema(summary="One thing I follow"),
    destroy=extend_schema(summary="Stop following"),
)
class WatchViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                   mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own watches; anybody else's answer 404."""

    serializer_class = WatchSerializer
    queryset = Watch.objects.none()  # for the schema; get_queryset scopes to the user
    filter_backends: list = []

    def get_queryset(self):
        return Watch.objects.filter(user=self.request.user).select_related("about_type").order_by("-created_at")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        label, pk = serializer.validated_data["type"].lower(), serializer.validated_data["about_id"]
        try:
            model = ContentType.objects.get_by_natural_key(*label.split(".", 1)).model_class()
        except (ContentType.DoesNotExist, TypeError, ValueError):
            raise NotFound from None
        scoped = getattr(getattr(model, "objects", None), "visible_to", None)
        if scoped is None:
            raise NotFound
        services.watch(request.user, get_object_or_404(scoped(request.user), pk=pk))
        watch = self.get_queryset().get(about_type=ContentType.objects.get_for_model(model), about_id=pk)
        return Response(WatchSerializer(watch).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.unwatch(self.request.user, instance)


class PreferenceSerializer(serializers.ModelSerializer):
    kind = KindCodeField(queryset=EventKind.objects.all(), allow_null=True,
                                        required=False, help_text="An event kind's code; null: every kind.")
    channels = serializers.ListField(child=serializers.ChoiceField(choices=list(PERSONAL_CHANNELS)),
                                     help_text="Personal channels besides in-app (always on): email, sms, chat.")

    class Meta:
        model = NotificationPreference
        fields = ["id", "kind", "channels"]
        read_only_fields = ["id"]


class ChatAccountSerializer(serializers.Serializer):
    app = serializers.ChoiceField(choices=ChatApp.choices)
    account_id = serializers.CharField(max_length=100, allow_blank=True)


@extend_schema_view(
    list=extend_schema(summary="My notification preferences (per event kind; kind null = all kinds)"),
    create=extend_schema(summary="Choose my channels for one event kind or for all (replaces that choice)"),
    retrieve=extend_schema(summary="One of my preferences"),
    destroy=extend_schema(summary="Forget one of my preferences (the global one, or the rules' channels, apply)"),
)
class PreferenceViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                        mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own channel choices and chat account; anybody else's answer 404."""

    serializer_class = PreferenceSerializer
    queryset = NotificationPreference.objects.none()  # for the schema; get_queryset scopes to the user
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return NotificationPreference.objects.filter(user=self.request.user).select_related("kind").order_by("id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind = serializer.validated_data.get("kind")
        services.set_preference(request.user, kind, serializer.validated_data["channels"])
        row = self.get_queryset().get(kind=kind)
        return Response(PreferenceSerializer(row).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.clear_preference(self.request.user, instance.kind)

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


# ----------------------------------------------------------------- the policy, as data, over the API

class ManagesPolicy(permissions.BasePermission):
    """Reading and editing the policy needs "notify.manage" (accounts.permissions), as in the admin."""

    def has_permission(self, request, view):
        return may(request.user, "notify.manage")


class RuleTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleTemplate
        fields = ["language", "subject", "body"]


class RuleSerializer(serializers.ModelSerializer):
    kind = KindCodeField(queryset=EventKind.objects.all())
    templates = RuleTemplateSerializer(many=True, required=False)
    roles = serializers.ListField(child=serializers.CharField(), required=False)
    relations = serializers.ListField(child=serializers.CharField(), required=False)
    channels = serializers.ListField(child=serializers.CharField(), required=False)
    sms_params = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = NotificationRule
        fields = ["id", "kind", "name", "active", "roles", "relations", "channels", "skip_actor", "sms_template",
                  "sms_params", "endpoints", "templates"]

    def validate(self, attrs):
        probe = NotificationRule(**{k: v for k, v in attrs.items() if k not in ("templates", "endpoints")})
        if self.instance is not None:
            for field in ("roles", "relations", "channels", "sms_params"):
                if field not in attrs:
                    setattr(probe, field, getattr(self.instance, field))
        try:
            probe.clean()
            for template in attrs.get("templates", []):
                RuleTemplate(rule=probe, **template).clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return attrs

    def _save_templates(self, rule, templates):
        if templates is None:
            return
        rule.templates.all().delete()
        RuleTemplate.objects.bulk_create([RuleTemplate(rule=rule, **t) for t in templates])

    def create(self, validated_data):
        templates, endpoints = validated_data.pop("templates", []), validated_data.pop("endpoints", [])
        rule = NotificationRule.objects.create(**validated_data)
        rule.endpoints.set(endpoints)
        self._save_templates(rule, templates)
        return rule

    def update(self, instance, validated_data):
        templates, endpoints = validated_data.pop("templates", None), validated_data.pop("endpoints", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        if endpoints is not None:
            instance.endpoints.set(endpoints)
        self._save_templates(instance, templates)
        return instance


class EventKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventKind
        fields = ["id", "code", "name", "description", "active"]


@extend_schema_view(list=extend_schema(summary="Event kinds of the notification policy"))
class EventKindViewSet(viewsets.ModelViewSet):
    """The policy's event kinds ("notify.manage", as in the admin)."""

    queryset = EventKind.objects.order_by("code")
    serializer_class = EventKindSerializer
    permission_classes = [ManagesPolicy]
    filter_backends: list = []


@extend_schema_view(list=extend_schema(summary="Notification rules: recipients, channels, templates"))
class RuleViewSet(viewsets.ModelViewSet):
    """The policy's rules with their templates ("notify.manage", as in the admin)."""

    queryset = NotificationRule.objects.select_related("kind").prefetch_related("templates", "endpoints").order_by("id")
    serializer_class = RuleSerializer
    permission_classes = [ManagesPolicy]
    filter_backends: list = []


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("outbox", OutboxViewSet, basename="outbox")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("notification-preferences", PreferenceViewSet, basename="notification-preference")
    router.register("watches", WatchViewSet, basename="watch")
    router.register("notification-kinds", EventKindViewSet, basename="notification-kind")
    router.register("notification-rules", RuleViewSet, basename="notification-rule")
