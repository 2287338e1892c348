"""REST API for customers, sites and contacts (/api/v1/customers/, /sites/, /contacts/).

The viewsets stand on core.api.ReferenceViewSet (scoped lists, idempotent create, versioned
update through services, change history).
"""

from __future__ import annotations

from rest_framework import serializers

from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.models import Organisation
from shouhou.core.api import ReasonSerializerMixin, ReferenceViewSet, ScopedRelatedField, versioned_schema
from shouhou.core.privacy import phone_for

from . import services
from .filters import ContactFilter, CustomerFilter, SiteFilter
from .models import Contact, Customer, Site


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
    customer = ScopedRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Site
        fields = ["id", "customer", "customer_name", "name", "address", "province", "city", "district", "zone",
                  "time_zone", "version", "created_at", "updated_at", "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]


class ContactSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    customer = ScopedRelatedField(queryset=Customer.objects.all())
    site = ScopedRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)

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
    write_action = "customer.change"
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
    write_action = "customer.change"
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
    write_action = "customer.change"
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
