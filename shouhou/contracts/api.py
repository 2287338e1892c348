"""REST API for contracts (/api/v1/contracts/): read by everyone in scope, written by desk roles."""

from __future__ import annotations

from rest_framework import serializers

from shouhou.assets.models import Asset
from shouhou.core.api import ReasonSerializerMixin, ReferenceViewSet, ScopedRelatedField, versioned_schema
from shouhou.customers.models import Customer, Site

from . import services
from .filters import ContractFilter
from .models import Contract


class ContractSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    customer = ScopedRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    sites = ScopedRelatedField(queryset=Site.objects.all(), many=True, required=False)
    assets = ScopedRelatedField(queryset=Asset.objects.all(), many=True, required=False)
    is_active = serializers.SerializerMethodField()
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500,
        help_text="Why the change is made; required when level, warranty terms, dates or coverage change "
                  "(code `reason_required`).")

    class Meta:
        model = Contract
        fields = ["id", "number", "title", "customer", "customer_name", "service_level", "warranty_months",
                  "warranty_start_rule", "warranty_terms", "start_date", "end_date", "is_active", "sites",
                  "assets", "version", "created_at", "updated_at", "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]

    def get_is_active(self, contract) -> bool:
        return contract.is_active()


@versioned_schema
class ContractViewSet(ReferenceViewSet):
    """Service contracts (合同) of visible customers, with covered sites and units."""

    scoped_model = Contract
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    write_action = "contract.change"
    select_related = ("customer",)
    prefetch_related = ("sites", "assets")
    search_fields = ["number", "title", "customer__name"]
    ordering_fields = ["number", "start_date", "end_date", "created_at"]
    create_service = services.create_contract
    update_service = services.update_contract


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("contracts", ContractViewSet, basename="contract")
