"""REST API for product models and assets (/api/v1/product-models/, /assets/; `?serial_no=` looks a unit up)."""

from __future__ import annotations

from rest_framework import serializers

from shouhou.core.api import ReasonSerializerMixin, ReferenceViewSet, ScopedRelatedField, versioned_schema
from shouhou.customers.models import Customer, Site
from shouhou.customers.services import hides_internal_notes

from . import services
from .filters import AssetFilter, ProductModelFilter
from .models import Asset, ProductModel


class ProductModelSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = ProductModel
        fields = ["id", "code", "name", "category", "default_warranty_months", "version", "created_at", "updated_at",
                  "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]


class AssetSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    product_model = ScopedRelatedField(queryset=ProductModel.objects.all())
    customer = ScopedRelatedField(
        queryset=Customer.objects.all(), required=False,
        help_text="Derived from the site when a site is given; required without one.",
    )
    site = ScopedRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    product_model_name = serializers.CharField(source="product_model.name", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True, default=None)
    in_warranty = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = ["id", "serial_no", "certificate_no", "product_model", "product_model_name", "customer",
                  "customer_name", "site", "site_name", "location", "install_date", "acceptance_date",
                  "warranty_start", "warranty_end", "in_warranty", "notes", "version", "created_at", "updated_at",
                  "reason"]
        read_only_fields = ["warranty_start", "warranty_end", "version", "created_at", "updated_at"]

    def get_in_warranty(self, asset) -> bool:
        return asset.in_warranty()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and hides_internal_notes(request.user):
            data.pop("notes", None)
        return data


@versioned_schema
class ProductModelViewSet(ReferenceViewSet):
    """The product catalogue (产品型号): readable by every user, written by desk roles."""

    scoped_model = ProductModel
    serializer_class = ProductModelSerializer
    filterset_class = ProductModelFilter
    write_action = "productmodel.change"
    search_fields = ["code", "name", "category"]
    ordering_fields = ["code", "name"]
    create_service = services.create_product_model
    update_service = services.update_product_model


@versioned_schema
class AssetViewSet(ReferenceViewSet):
    """Installed units (设备) of visible customers, with their derived warranty (P8.3, P13.1)."""

    scoped_model = Asset
    serializer_class = AssetSerializer
    filterset_class = AssetFilter
    write_action = "asset.change"
    select_related = ("product_model", "customer", "site")
    search_fields = ["serial_no", "certificate_no", "customer__name", "site__name"]
    ordering_fields = ["serial_no", "acceptance_date", "warranty_end", "created_at"]
    create_service = services.create_asset
    update_service = services.update_asset

    def history_hidden_fields(self, user) -> set[str]:
        return {"notes"} if hides_internal_notes(user) else set()


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("product-models", ProductModelViewSet, basename="productmodel")
    router.register("assets", AssetViewSet, basename="asset")
