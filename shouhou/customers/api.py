"""REST API for customers, sites and contacts (/api/v1/customers/, /sites/, /contacts/).

Also holds the small pieces the assets and contracts APIs share: a related field that only
accepts records the user can see, the write permission asked of the permission layer
(accounts.permissions, the viewset's `write_action`), and the viewset that routes create/update
through services.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission

from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.models import Organisation
from shouhou.accounts.permissions import may
from shouhou.core.api import HistoryMixin, ScopedModelViewSet
from shouhou.core.privacy import phone_for

from . import services
from .filters import ContactFilter, CustomerFilter, SiteFilter
from .models import Contact, Customer, Site

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


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """Accepts only records the requesting user can see; anything else is "does not exist" (400)."""

    default_error_messages = {
        "does_not_exist": services.not_visible_message,
    }

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
    write_action = "customer.change"
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


class CustomerSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    dealer = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.DEALER), required=False, allow_null=True
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.CUSTOMER), required=False, allow_null=True
    )
    dealer_name = serializers.CharField(source="dealer.name", read_only=True, default=None)

    class Meta:
        model = Customer
        fields = ["id", "code", "name", "is_key_customer", "dealer", "dealer_name", "organisation", "phone",
                  "email", "address", "notes", "version", "created_at", "updated_at", "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and services.hides_internal_notes(request.user):
            data.pop("notes", None)
        if request is not None:
            data["phone"] = phone_for(request.user, instance.phone, instance)  # masked unless needed
        return data


class SiteSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Site
        fields = ["id", "customer", "customer_name", "name", "address", "zone", "time_zone", "version",
                  "created_at", "updated_at", "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]


class ContactSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all())
    site = ScopedPrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Contact
        fields = ["id", "customer", "site", "name", "title", "phone", "email", "is_primary", "version",
                  "created_at", "updated_at", "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            data["phone"] = phone_for(request.user, instance.phone, instance.customer)  # masked unless needed
        return data


@versioned_schema
class CustomerViewSet(ReferenceViewSet):
    """Customers (客户 / 业主) the user can see: all for staff, a dealer's own, a customer's self."""

    scoped_model = Customer
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    select_related = ("dealer",)
    search_fields = ["code", "name", "address"]  # phone: `q` only, as accounts.phone_search allows
    ordering_fields = ["code", "name", "created_at", "updated_at"]
    create_service = services.create_customer
    update_service = services.update_customer

    def history_hidden_fields(self, user) -> set[str]:
        return {"notes"} if services.hides_internal_notes(user) else set()


@versioned_schema
class SiteViewSet(ReferenceViewSet):
    """Sites / projects (项目 / 现场) of visible customers."""

    scoped_model = Site
    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    select_related = ("customer",)
    search_fields = ["name", "address", "customer__name"]
    ordering_fields = ["name", "customer__name", "created_at"]
    create_service = services.create_site
    update_service = services.update_site


@versioned_schema
class ContactViewSet(ReferenceViewSet):
    """Contact people of visible customers."""

    scoped_model = Contact
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    select_related = ("customer",)
    search_fields = ["name", "email"]  # phone: `q` only, as accounts.phone_search allows
    ordering_fields = ["name", "created_at"]
    create_service = services.create_contact
    update_service = services.update_contact


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("sites", SiteViewSet, basename="site")
    router.register("contacts", ContactViewSet, basename="contact")
