"""REST API of service requests: /api/v1/tickets/ and /api/v1/attachments/.

Every lookup goes through `visible_to(user)` (out of scope → 404); every change goes through
tickets.services (which also decide 400 / 403 / 409).  See serializers.py for the shapes.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shouhou.accounts.permissions import may
from shouhou.core.api import IdempotentCreateMixin, ScopedViewSetMixin, VersionedUpdateMixin
from shouhou.core.errors import ServiceError
from shouhou.core.versioning import etag_for

from . import action_inputs, services
from .filters import TicketFilter
from .models import Attachment, Ticket, TicketEvent
from .pagination import CappedPagination
from .serializers import (
    LIST_COLUMNS,
    LIST_RELATED,
    AllowedActionSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CommentSerializer,
    EventSerializer,
    NotRepeatSerializer,
    TicketCreateSerializer,
    TicketListSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
    VoidSerializer,
)


class CanReport(permissions.BasePermission):
    """Creating requests: the service desk and customers' own users (deny everyone else)."""

    def has_permission(self, request, view):
        if view.action != "create":
            return True
        return may(request.user, "ticket.open")


def _versioned(response, ticket):
    response["ETag"] = etag_for(ticket)
    return response


IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                            description="The version you edited, e.g. \"3\" (or send `version` in the body).")
IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                   description="Retrying with the same key returns the same ticket (200).")
# The actions endpoint's body: one component per action (its owner's input), discriminated by `action`.
ACTION_BODY = PolymorphicProxySerializer(
    component_name="TicketAction", resource_type_field_name="action",
    serializers=lambda: {name: action_inputs.input_for(name) for name in action_inputs.person_actions()},
)
CONFLICT = OpenApiResponse(description="Stale version: someone else changed the request (code `stale_version`).")


@extend_schema_view(
    list=extend_schema(summary="List service requests (capped count, 25 per page)"),
    retrieve=extend_schema(summary="One service request (ETag = version)"),
    create=extend_schema(summary="Report a fault", parameters=[IDEMPOTENCY_KEY], request=TicketCreateSerializer,
                         responses={201: TicketSerializer, 200: TicketSerializer}),
    partial_update=extend_schema(summary="Desk corrections", parameters=[IF_MATCH], request=TicketUpdateSerializer,
                                 responses={200: TicketSerializer, 409: CONFLICT}),
    update=extend_schema(summary="Desk corrections", parameters=[IF_MATCH], request=TicketUpdateSerializer,
                         responses={200: TicketSerializer, 409: CONFLICT}),
)
class TicketViewSet(ScopedViewSetMixin, IdempotentCreateMixin, VersionedUpdateMixin, mixins.ListModelMixin,
                    mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                    viewsets.GenericViewSet):
    """Service requests (工单).  Severity follows the P5.1 definitions (see `severity`)."""

    scoped_model = Ticket
    permission_classes = [permissions.IsAuthenticated, CanReport]
    filter_backends = [DjangoFilterBackend]
    filterset_class = TicketFilter
    pagination_class = CappedPagination
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    idempotency_scope = "tickets.ticket"
    select_related = ("customer", "site", "asset", "assignee", "assigned_dealer", "contract")

    def get_queryset(self):
        if self.action == "list":
            # Only the columns the list row shows: cheap rows at a million tickets.
            return Ticket.objects.visible_to(self.request.user).select_related(*LIST_RELATED).only(*LIST_COLUMNS)
        return super().get_queryset()

    def get_serializer_class(self):
        if self.action == "list":
            return TicketListSerializer
        if self.action == "create" and self.request.method == "POST":
            return TicketCreateSerializer
        if self.action in ("update", "partial_update"):
            return TicketUpdateSerializer
        return TicketSerializer

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        if "version" in response.data:
            version = response.data["version"]
            response["ETag"] = f'"{version}"'
        return response

    def perform_create(self, serializer):
        serializer.instance = services.open_ticket(self.request.user, **serializer.validated_data)

    def perform_versioned_update(self, instance, validated_data, expected_version):
        fields = {k: v for k, v in validated_data.items() if k != "version"}
        return services.update_ticket(self.request.user, instance, expected_version, **fields)

    def get_serializer(self, *args, **kwargs):
        # The update mixin answers with get_serializer(instance): give the whole ticket back.
        if self.action in ("update", "partial_update") and args and "data" not in kwargs:
            return TicketSerializer(*args, context=self.get_serializer_context(), **kwargs)
        return super().get_serializer(*args, **kwargs)

    @extend_schema(summary="Take a workflow action", request=ACTION_BODY,
                   description="One body per action, told apart by `action`; each lists the fields that action "
                               "takes (see GET …/allowed-actions/ for the actions open to you now).",
                   responses={200: TicketSerializer, 400: OpenApiResponse(description="`unknown_action`, "
                              "`transition_not_allowed`, `reason_required`, `resolution_required`, `invalid` "
                              "(each naming its `field`)"),
                              403: OpenApiResponse(description="`not_permitted`"), 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="actions")
    def actions(self, request, pk=None):
        """The workflow decides whether the action is open to the user now; then the action's own
        input (action_inputs) validates the body, once, and the service acts on the validated values."""
        ticket = self.get_object()
        name = request.data.get("action") if hasattr(request.data, "get") else None
        if name not in action_inputs.person_actions():
            raise ServiceError("unknown_action", _("Unknown action: %(action)s") % {"action": name}, "action")
        services.check_action(ticket, request.user, name)
        payload = action_inputs.validated_input(name, request.data)
        if "version" not in payload and request.headers.get("If-Match"):
            from shouhou.core.versioning import parse_if_match

            payload["version"] = parse_if_match(request.headers["If-Match"])
        services.perform_action(request.user, ticket, name, **payload)
        ticket = self.get_queryset().get(pk=ticket.pk)
        return _versioned(Response(TicketSerializer(ticket, context=self.get_serializer_context()).data), ticket)

    @extend_schema(summary="Actions the declared workflow allows you now", request=None,
                   responses=AllowedActionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="allowed-actions", pagination_class=None)
    def allowed_actions(self, request, pk=None):
        ticket = self.get_object()
        return Response([AllowedActionSerializer.of(t) for t in services.allowed_transitions(ticket, request.user)])

    @extend_schema(summary="Timeline (customer users never get internal events)", request=None,
                   responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        ticket = self.get_object()
        events = TicketEvent.objects.visible_to(request.user).filter(ticket=ticket).select_related("actor")
        return Response(EventSerializer(events, many=True, context={"user": request.user, "ticket": ticket}).data)

    @extend_schema(summary="Add an internal note or a reply to the customer", request=CommentSerializer,
                   responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        ticket = self.get_object()
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.add_comment(request.user, ticket, **serializer.validated_data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Not a repeat: remove the link to the earlier request (a different fault); the "
                           "earlier fix counts as kept again", request=NotRepeatSerializer,
                   responses={200: TicketSerializer,
                              400: OpenApiResponse(description="`reason_required`, `not_a_repeat`"),
                              403: OpenApiResponse(description="`not_permitted`")})
    @action(detail=True, methods=["post"], url_path="not-a-repeat")
    def not_a_repeat(self, request, pk=None):
        ticket = self.get_object()
        body = NotRepeatSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.unmark_repeat(request.user, ticket, reason=body.validated_data["reason"])
        ticket = self.get_queryset().get(pk=ticket.pk)
        return _versioned(Response(TicketSerializer(ticket, context=self.get_serializer_context()).data), ticket)

    @extend_schema(methods=["GET"], summary="Attachments you may see", request=None,
                   responses=AttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], summary="Attach a photo, video or document (P10.6)",
                   request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None,
            parser_classes=[MultiPartParser, FormParser, JSONParser])
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            serializer = AttachmentUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            attachment = services.add_attachment(request.user, ticket, serializer.validated_data["file"],
                                                 serializer.validated_data["internal"])
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        attachments = Attachment.objects.visible_to(request.user).filter(ticket=ticket)
        return Response(AttachmentSerializer(attachments, many=True).data)


class AttachmentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Attachments, only through `Attachment.objects.visible_to(user)` — never by bare id."""

    scoped_model = Attachment
    serializer_class = AttachmentSerializer
    filter_backends: list = []

    @extend_schema(summary="Download the file", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return attachment_response(self.get_object())

    @extend_schema(summary="Void an attachment added in error, with a reason (the file is kept, P13.9)",
                   request=VoidSerializer, responses={200: AttachmentSerializer,
                                                      400: OpenApiResponse(description="`reason_required`, "
                                                                           "`already_void`"),
                                                      403: OpenApiResponse(description="`not_permitted`")})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        attachment = self.get_object()
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.void_attachment(request.user, attachment, reason=body.validated_data["reason"])
        return Response(AttachmentSerializer(attachment).data)


def attachment_response(attachment: Attachment) -> FileResponse:
    """Stream an attachment; images, video and PDF open inline, everything else downloads."""
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=attachment.content_type not in services.INLINE_TYPES,
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("tickets", TicketViewSet, basename="ticket")
    router.register("attachments", AttachmentViewSet, basename="attachment")
