"""REST API of charging (/api/v1/…): parts, price lists (with the spreadsheet import of a new
version), charging rules, entitlements (with override), quotes (lines, send, accept, decline,
PDFs) and the charge ledger (with reversal).  Every list is the model's `visible_to(user)`."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shouhou.core.api import ReferenceViewSet, ScopedViewSetMixin, versioned_schema
from shouhou.core.documents import render_pdf
from shouhou.core.errors import ServiceError

from . import services
from .documents import document_context
from .filters import ChargeFilter, PartFilter, QuoteFilter
from .models import ChargeEntry, ChargingRule, Part, PriceList, Quote, TicketEntitlement
from .serializers import (
    ChargeSerializer,
    ChargingRuleSerializer,
    EntitlementSerializer,
    ImportRefusedSerializer,
    OverrideSerializer,
    PartSerializer,
    PriceListImportSerializer,
    PriceListSerializer,
    PriceListVersionSerializer,
    QuoteLineInputSerializer,
    QuoteSerializer,
    ReasonSerializer,
)

PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


@versioned_schema
class PartViewSet(ReferenceViewSet):
    """The part catalogue (备件目录)."""

    scoped_model = Part
    serializer_class = PartSerializer
    filterset_class = PartFilter
    write_action = "pricelist.change"
    ordering_fields = ["code", "name"]
    create_service = services.create_part
    update_service = services.update_part


@versioned_schema
class PriceListViewSet(ReferenceViewSet):
    """Price lists (价目表) and their versions; a version is imported from a spreadsheet."""

    scoped_model = PriceList
    serializer_class = PriceListSerializer
    write_action = "pricelist.change"
    prefetch_related = ("versions",)
    filterset_fields = ["code"]
    create_service = services.create_price_list
    http_method_names = ["get", "post", "head", "options"]  # prices change by importing a new version

    @extend_schema(summary="Import a new version from .xlsx/.csv (all rows or none)",
                   request={"multipart/form-data": PriceListImportSerializer},
                   responses={201: PriceListVersionSerializer,
                              400: OpenApiResponse(ImportRefusedSerializer, description="`bad_rows`: every bad line "
                                                   "and field; nothing imported.  `bad_file`.")})
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_version(self, request, pk=None):
        price_list = self.get_object()
        body = PriceListImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        try:
            version = services.import_price_list(
                request.user, price_list, effective_from=body.validated_data["effective_from"], filename=upload.name,
                content=upload.read(), note=body.validated_data.get("note", ""))
        except services.catalogue.BadRows as error:
            rows = [{"line": line, "field": field, "message": message} for line, field, message in error.rows]
            return Response({"code": error.code, "detail": str(error.message), "rows": rows},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(PriceListVersionSerializer(version).data, status=status.HTTP_201_CREATED)


@versioned_schema
class ChargingRuleViewSet(ReferenceViewSet):
    """Charging rules per contract (and the default rule), as data."""

    scoped_model = ChargingRule
    serializer_class = ChargingRuleSerializer
    write_action = "pricelist.change"
    filterset_fields = ["contract", "is_default"]
    create_service = services.create_rule
    update_service = services.update_rule

    def perform_versioned_update(self, instance, validated_data, expected_version):
        return services.update_rule(self.request.user, instance, validated_data, expected_version,
                                    validated_data.get("reason", ""))


class EntitlementViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Who pays on each visible request, with the reason; overriding needs a permission and a reason."""

    scoped_model = TicketEntitlement
    serializer_class = EntitlementSerializer
    filterset_fields = ["ticket", "status"]
    select_related = ("rule",)

    @extend_schema(request=OverrideSerializer, responses=EntitlementSerializer,
                   summary="Override the decision, with a reason (audited)")
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        body = OverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.override_entitlement(request.user, self.get_object(), **body.validated_data)
        return Response(EntitlementSerializer(record).data)


class QuoteViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   viewsets.GenericViewSet):
    """Quotes (报价单) on the visible requests: write a draft with lines, send it, the customer accepts."""

    scoped_model = Quote
    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter
    select_related = ("rule",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("lines")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_quote(self.request.user, data["ticket"], work_at=data.get("work_at"),
                                                    lines=data.get("new_lines", ()))

    def _answer(self, quote, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=quote.pk)).data, status=code)

    @extend_schema(request=QuoteLineInputSerializer, responses={201: QuoteSerializer},
                   summary="Record a part, labour or travel on a draft (the quote is priced again)")
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        body = QuoteLineInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        line = services.add_quote_line(request.user, self.get_object(),
                                       **{k: v for k, v in body.validated_data.items() if v not in (None, "")})
        return self._answer(line.quote, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=QuoteSerializer, summary="Send the draft to the customer")
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        return self._answer(services.propose_quote(request.user, self.get_object()))

    @extend_schema(request=None, responses=QuoteSerializer, summary="Accept the quote: its lines are charged")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._answer(services.accept_quote(request.user, self.get_object()))

    @extend_schema(request=None, responses=QuoteSerializer, summary="Decline the quote")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._answer(services.decline_quote(request.user, self.get_object()))

    @extend_schema(responses=PDF, summary="The quote as a PDF (Chinese by default)")
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        quote = self.get_object()
        return HttpResponse(render_pdf("charging_quote", document_context(quote)), content_type="application/pdf")

    @extend_schema(responses={**PDF, 400: OpenApiResponse(description="`not_accepted`")},
                   summary="The receipt (收据) of an accepted quote as a PDF")
    @action(detail=True, methods=["get"])
    def receipt(self, request, pk=None):
        quote = self.get_object()
        if not quote.receipt_number:
            raise ServiceError("not_accepted", _("A receipt is printed once the quote is accepted."))
        return HttpResponse(render_pdf("charging_receipt", document_context(quote)), content_type="application/pdf")


class ChargeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The ledger of charges (append-only): corrections are reversal entries."""

    scoped_model = ChargeEntry
    serializer_class = ChargeSerializer
    filterset_class = ChargeFilter

    @extend_schema(request=ReasonSerializer, responses={201: ChargeSerializer},
                   summary="Reverse a charge, with a reason (a new entry; the charge is kept)")
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.reverse_charge(request.user, self.get_object(), body.validated_data["reason"])
        return Response(ChargeSerializer(entry).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("parts", PartViewSet, basename="part")
    router.register("price-lists", PriceListViewSet, basename="price-list")
    router.register("charging-rules", ChargingRuleViewSet, basename="charging-rule")
    router.register("entitlements", EntitlementViewSet, basename="entitlement")
    router.register("quotes", QuoteViewSet, basename="quote")
    router.register("charges", ChargeViewSet, basename="charge")
