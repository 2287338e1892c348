"""The charging API's serializers: what clients read and send."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from shouhou.contracts.models import Contract
from shouhou.core.api import ReasonSerializerMixin, ScopedRelatedField
from shouhou.sla.models import WorkingCalendar
from shouhou.tickets.models import Ticket

from . import pricing
from .choices import RECORDED_KINDS, EntitlementStatus
from .models import (
    ChargeEntry,
    ChargingRule,
    Part,
    PriceList,
    PriceListLine,
    PriceListVersion,
    Quote,
    QuoteLine,
    TicketEntitlement,
)


class PartSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "code", "name", "unit", "vat_kind", "active", "version", "created_at", "updated_at", "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]


class PriceListVersionSerializer(serializers.ModelSerializer):
    line_count = serializers.IntegerField(source="lines.count", read_only=True)

    class Meta:
        model = PriceListVersion
        fields = ["id", "number", "effective_from", "note", "source", "created_at", "line_count"]


class PriceListSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    versions = PriceListVersionSerializer(many=True, read_only=True)

    class Meta:
        model = PriceList
        fields = ["id", "code", "name", "versions", "version", "created_at", "updated_at", "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]


class PriceListLineSerializer(serializers.ModelSerializer):
    part_code = serializers.CharField(source="part.code", read_only=True)
    part_name = serializers.CharField(source="part.name", read_only=True)

    class Meta:
        model = PriceListLine
        fields = ["id", "part", "part_code", "part_name", "unit_price"]


class PriceListImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An .xlsx or .csv with the columns 备件编码 (code), 名称 (name), 单位 (unit), "
                                           "税目 (VAT kind), 含税单价 (unit price), 成本价 (unit cost).")
    effective_from = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class BadRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class ImportRefusedSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    rows = BadRowSerializer(many=True)


WHEN = [(c, c) for c in pricing.TIME_CLASSES]


class ChargingRuleSerializer(ReasonSerializerMixin, serializers.ModelSerializer):
    coverage = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=RECORDED_KINDS)), required=False,
        help_text="Per period (warranty, latent_defect, maintenance) the kinds of line it covers, e.g. "
                  '{"warranty": ["labour", "parts", "travel"], "maintenance": ["parts"]}.')
    contract = ScopedRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)
    price_list = ScopedRelatedField(queryset=PriceList.objects.all(), required=False, allow_null=True)
    calendar = ScopedRelatedField(queryset=WorkingCalendar.objects.all(), required=False, allow_null=True)

    class Meta:
        model = ChargingRule
        fields = ["id", "name", "contract", "is_default", "price_list", "parts_basis", "parts_percent", "labour_basis",
                  "labour_rate", "labour_vat_kind", "travel_basis", "travel_rate", "travel_vat_kind",
                  "night_surcharge", "night_start", "night_end", "rest_day_surcharge", "holiday_surcharge",
                  "calendar", "coverage", "latent_defect_months", "maintenance", "version", "created_at",
                  "updated_at", "reason"]
        read_only_fields = ["version", "created_at", "updated_at"]


class EntitlementSerializer(serializers.ModelSerializer):
    covered = serializers.ListField(child=serializers.ChoiceField(choices=RECORDED_KINDS), read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True, default="")

    class Meta:
        model = TicketEntitlement
        fields = ["id", "ticket", "status", "covered", "period_end", "reason", "decided_on", "rule", "rule_name",
                  "overridden", "overridden_by", "override_reason", "updated_at"]
        read_only_fields = fields


class OverrideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EntitlementStatus.choices)
    covered = serializers.ListField(child=serializers.ChoiceField(choices=RECORDED_KINDS), allow_empty=True)
    reason = serializers.CharField(max_length=500)


class QuoteLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuoteLine
        fields = ["id", "kind", "part", "description", "unit", "quantity", "entered_price", "list_price", "unit_price",
                  "amount", "vat_kind", "vat_rate", "tax", "basis", "note", "derived"]
        read_only_fields = ["unit", "list_price", "unit_price", "amount", "vat_kind", "vat_rate", "tax", "basis",
                            "note", "derived"]


class QuoteLineInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RECORDED_KINDS)
    part = ScopedRelatedField(queryset=Part.objects.all(), required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    entered_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                             allow_null=True, help_text="Travel at actual cost only.")


class QuoteSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    receipt_number = serializers.CharField(read_only=True)
    ticket = ScopedRelatedField(queryset=Ticket.objects.all())
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    lines = QuoteLineSerializer(many=True, read_only=True)
    new_lines = QuoteLineInputSerializer(many=True, write_only=True, required=False,
                                         help_text="Lines to record with the new draft.")
    work_at = serializers.DateTimeField(required=False, help_text="When the work is done (surcharges); default now.")
    covered = serializers.ListField(child=serializers.ChoiceField(choices=RECORDED_KINDS), read_only=True)
    time_classes = serializers.ListField(child=serializers.ChoiceField(choices=WHEN), read_only=True,
                                         help_text="Night, rest day, holiday: when the work falls on the calendar.")

    class Meta:
        model = Quote
        fields = ["id", "number", "receipt_number", "ticket", "status", "rule", "rule_name", "rule_version",
                  "price_list_version", "entitlement_status", "entitlement_reason", "covered", "work_at",
                  "time_classes", "total", "tax_total", "lines", "new_lines", "created_by", "created_at", "proposed_at",
                  "decided_at", "decided_by", "version"]
        read_only_fields = ["status", "rule", "rule_version", "price_list_version", "entitlement_status",
                            "entitlement_reason", "covered", "time_classes", "total", "tax_total", "created_by",
                            "created_at", "proposed_at", "decided_at", "decided_by", "version"]


class ChargeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChargeEntry
        fields = ["id", "ticket", "quote", "line", "kind", "description", "amount", "tax", "reverses", "reason",
                  "created_by", "created_at"]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
