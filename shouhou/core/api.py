"""Shared REST plumbing: pagination, error shape, scoped viewsets, idempotent create, 409 on stale
update, the change history of audited records (GET …/{id}/history/), and the reference-data
viewset (ReferenceViewSet) with its scoped related field and write permission."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import audit, idempotency
from .errors import REFUSED, ServiceError, UnprocessableError
from .models import IdempotencyKey
from .rights import may
from .services import not_visible_message
from .versioning import etag_for, parse_if_match, parse_version


def exception_handler(exc, context):
    """Service errors and model validation become `{"code", "detail", "field"}` / field maps."""
    if isinstance(exc, ServiceError):
        body = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
            body[exc.field] = [str(exc.message)]
        return Response(body, status=exc.status_code)
    if isinstance(exc, (exceptions.PermissionDenied, DjangoPermissionDenied)):
        # Refusals by permission classes answer with the same code as the services' (issue 6).
        detail = getattr(exc, "detail", None) or _("You may not do this.")
        return Response({"code": REFUSED, "detail": str(detail)}, status=403)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response({k: [str(m) for m in v] for k, v in exc.message_dict.items()}, status=400)
        return Response({"detail": [str(m) for m in exc.messages]}, status=400)
    return drf_exception_handler(exc, context)


class ScopedViewSetMixin:
    """Every queryset comes from the model's one scoping function, `visible_to(user)`.

    Object lookups (detail, update, actions, attachments) go through the same queryset, so a
    record outside the user's scope is a 404, never a 403 that confirms it exists.
    """

    scoped_model = None
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        qs = self.scoped_model.objects.visible_to(self.request.user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs


class IdempotentPostMixin:
    """`Idempotency-Key` on a POST that makes something: the same key and body from the same user
    return the same object.

    The same key with a different body answers 422 (`idempotency_key_reused`); keys expire after
    IDEMPOTENCY_KEY_TTL_HOURS (core.idempotency).  `idempotent_post` serves a detail action that
    makes another model (e.g. a ticket's milestones); IdempotentCreateMixin serves `create`.
    """

    idempotency_scope = None

    def idempotent_post(self, request, plain=None):
        """Validate, `perform_create` and answer 201; a replayed key answers its object (200).
        Without a key: `plain()` when given (the viewset's own create), else the same without the key."""
        key = request.headers.get("Idempotency-Key")
        if not key and plain is not None:
            return plain()
        if key and len(key) > 255:
            raise ServiceError("bad_idempotency_key", _("Idempotency-Key may have at most 255 characters."),
                               "Idempotency-Key")
        scope = self.idempotency_scope or self.scoped_model._meta.label_lower
        mine = IdempotencyKey.objects.filter(user=request.user, scope=scope, key=key or "")
        body = idempotency.fingerprint(request.data)
        if key:
            mine.exclude(pk__in=idempotency.live(mine).values("pk")).delete()  # past its window: a new key
            existing = mine.first()
            if existing:
                return self._replay(existing, body)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                self.perform_create(serializer)
                if key:
                    IdempotencyKey.objects.create(
                        user=request.user, scope=scope, key=key, object_id=serializer.instance.pk, fingerprint=body,
                    )
        except IntegrityError:
            if not key:
                raise
            # A concurrent retry with the same key won the race: answer with its object.
            return self._replay(mine.get(), body)
        headers = self.get_success_headers(serializer.data) if hasattr(self, "get_success_headers") else {}
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)

    def idempotent_instance(self, object_id):
        """The object a replayed key made (a viewset whose POST makes another model overrides it)."""
        return self.get_queryset().get(pk=object_id)

    def _replay(self, existing, body):
        if existing.fingerprint and existing.fingerprint != body:
            raise UnprocessableError(
                "idempotency_key_reused",
                _("This Idempotency-Key was already used for a different request; use a new key."),
                "Idempotency-Key",
            )
        instance = self.idempotent_instance(existing.object_id)
        response = Response(self.get_serializer(instance).data, status=status.HTTP_200_OK)
        response["Idempotent-Replayed"] = "true"
        return response


class IdempotentCreateMixin(IdempotentPostMixin):
    """`Idempotency-Key` on POST (create): see IdempotentPostMixin."""

    def create(self, request, *args, **kwargs):
        return self.idempotent_post(request, plain=lambda: super(IdempotentCreateMixin, self).create(
            request, *args, **kwargs))


class VersionedUpdateMixin:
    """PUT/PATCH must name the version edited (If-Match or body `version`); stale → 409.

    Subclasses implement `perform_versioned_update(instance, validated_data, expected_version)`
    by calling their app's service function.
    """

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        expected = parse_if_match(request.headers.get("If-Match"))
        if expected is None and "version" in request.data:
            expected = parse_version(request.data["version"])
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_versioned_update(instance, serializer.validated_data, expected)
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if "version" in response.data:
            response["ETag"] = f'"{response.data["version"]}"'
        return response


class ScopedModelViewSet(ScopedViewSetMixin, IdempotentCreateMixin, VersionedUpdateMixin, viewsets.ModelViewSet):
    """The standard API shape for a domain object: scoped, idempotent create, versioned update, no delete."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class FieldChangeSerializer(serializers.Serializer):
    """One field of one change: raw values as text (JSON for lists, ids for references) and readable ones."""

    field = serializers.CharField(help_text="The model field's name.")
    label = serializers.CharField(help_text="The field's name as people know it, in the request's language.")
    old = serializers.CharField(allow_null=True, help_text="The value before; null when empty or not recorded.")
    new = serializers.CharField(allow_null=True, help_text="The value after; null when empty.")
    old_display = serializers.CharField()
    new_display = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    """One row of a record's change history: who, when, what (before → after) and why."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = serializers.IntegerField(source="user_id", allow_null=True, help_text="null: the system (CLI, demo data).")
    user_name = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    subject = serializers.CharField(allow_blank=True, help_text="For a part of the record (a plan's target, a "
                                                                "calendar's day): which one; empty for the record.")
    changes = FieldChangeSerializer(many=True)


class HistoryMixin:
    """`GET /api/v1/<records>/{id}/history/`: the record's change history, newest first, paged.

    The record is looked up through the viewset's scoped queryset (404 outside the user's scope);
    `history_hidden_fields(user)` names the fields the user may not see (left out of the history too).
    """

    def history_hidden_fields(self, user) -> set[str]:
        return set()

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False,
                   description="The record's change history, newest first: who, when, which fields changed "
                               "from → to, and why.  Scoped like the record (404 outside your scope).")
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        obj = self.get_object()
        found, _more = audit.trail(obj, hidden=self.history_hidden_fields(request.user), limit=audit.API_ROWS)
        page = self.paginate_queryset(found)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="Retrying a create with the same key returns the record the first call created.",
)
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="The version you edited (or send `version` in the body); a stale version gets 409.",
)
versioned_schema = extend_schema_view(
    create=extend_schema(parameters=[IDEMPOTENCY_KEY]),
    update=extend_schema(parameters=[IF_MATCH]),
    partial_update=extend_schema(parameters=[IF_MATCH]),
)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """Accepts only records the requesting user can see; anything else is "does not exist" (400).

    `ScopedRelatedField(Customer, …)` or `ScopedRelatedField(queryset=Customer.objects.all(), …)`.
    """

    default_error_messages = {
        "does_not_exist": not_visible_message,
    }

    def __init__(self, model=None, **kwargs):
        if model is not None:
            kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        if request is None:
            return queryset.none()
        return queryset.visible_to(request.user)


class ReferenceWritePermission(BasePermission):
    """Deny by default: reading needs a login (scoping decides what), writing the view's action."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated and request.user.is_active):
            return False
        return request.method in SAFE_METHODS or may(request.user, view.write_action)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or may(request.user, view.write_action, obj)


class ReasonSerializerMixin(serializers.Serializer):
    """An optional `reason` for a change, written to the record's change history (core.audit)."""

    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500,
                                   help_text="Why the record is changed; shown in its change history.  Required "
                                   "(code `reason_required`) when warranty-defining data changes: install or "
                                   "acceptance dates, default warranty months, a contract's level, terms, dates "
                                   "or coverage.")


class ReferenceViewSet(HistoryMixin, ScopedModelViewSet):
    """Scoped lists and lookups, Idempotency-Key create, versioned update — all writes via services —
    and each record's change history (GET …/{id}/history/)."""

    permission_classes = [ReferenceWritePermission]
    write_action = ""  # the action writes need (accounts.permissions), e.g. "customer.change"
    create_service = None
    update_service = None
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.prefetch_related(*self.prefetch_related) if self.prefetch_related else queryset

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(self.request.user, serializer.validated_data)

    def perform_versioned_update(self, instance, validated_data, expected_version):
        return type(self).update_service(self.request.user, instance, validated_data, expected_version)
