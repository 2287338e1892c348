"""API shapes of service requests, their timeline, comments, attachments and actions."""

from __future__ import annotations

from django.utils.translation import override
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shouhou.assets.models import Asset
from shouhou.core import limits
from shouhou.core.api import ScopedRelatedField
from shouhou.core.hooks import promises_for
from shouhou.core.privacy import mask_phone, mask_phones_in_text, may_see_full_phone
from shouhou.customers.models import Customer, Site

from .choices import SEVERITY_HELP, Channel, Severity, SupportMode
from .models import Attachment, Ticket, TicketEvent
from .severity import validate_severity


def _severity_text() -> str:
    """The P5.1 definitions for the API schema, in English (the schema is one document)."""
    with override("en"):
        return ("The rank of one of the company's severity levels (1 = most severe; GET /api/v1/severity-levels/). "
                "Seeded with the P5.1 fault levels: "
                + "; ".join(f"{int(level)} = {SEVERITY_HELP[level]}" for level in Severity))


SEVERITY_TEXT = _severity_text()


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _ref(obj, label):
    return {"id": obj.pk, "name": label} if obj is not None else None


class TicketListSerializer(serializers.ModelSerializer):
    """The list row: only the columns the list shows (the list query loads only these)."""

    number = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    customer_name = serializers.SerializerMethodField()
    site_name = serializers.SerializerMethodField()
    asset_serial = serializers.SerializerMethodField()
    assignee_name = serializers.SerializerMethodField()
    assigned_dealer_name = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "number", "title", "status", "status_display", "severity", "severity_display",
                  "service_level", "channel", "support_mode", "unverified", "customer", "customer_name",
                  "site", "site_name", "asset", "asset_serial", "assignee", "assignee_name",
                  "assigned_dealer", "assigned_dealer_name", "next_due_at", "created_at", "updated_at", "version"]
        read_only_fields = fields
        extra_kwargs = {
            "severity": {"help_text": SEVERITY_TEXT},
            "next_due_at": {"help_text": "Earliest due time of the request's running service-plan clocks "
                                         "(overdue ones included); null when no clock runs (issue 3)."},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_customer_name(self, obj):
        return obj.customer.name if obj.customer_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_site_name(self, obj):
        return obj.site.name if obj.site_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_asset_serial(self, obj):
        return obj.asset.serial_no if obj.asset_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assignee_name(self, obj):
        return obj.assignee.display_name if obj.assignee_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assigned_dealer_name(self, obj):
        return obj.assigned_dealer.name if obj.assigned_dealer_id else None


LIST_COLUMNS = (
    "id", "title", "status", "severity", "service_level", "channel", "support_mode", "unverified",
    "created_at", "updated_at", "version", "next_due_at", "customer_id", "site_id", "asset_id", "assignee_id",
    "assigned_dealer_id", "customer__name", "site__name", "asset__serial_no", "assignee__username",
    "assignee__first_name", "assignee__last_name", "assigned_dealer__name",
)
LIST_RELATED = ("customer", "site", "asset", "assignee", "assigned_dealer")


class PromiseSerializer(serializers.Serializer):
    """A time promised to the reporter (issue 3, intake): from the service plan's running clocks."""

    kind = serializers.CharField(help_text="What is promised, e.g. callback, response, arrival, resolution.")
    label = serializers.CharField(help_text="The promise in words, in the request's language.")
    due_at = serializers.DateTimeField(help_text="When it is due.")


class TicketSerializer(TicketListSerializer):
    """A whole service request (retrieve, create and update answers).

    `promises`: the expected response, arrival … times the reporter is told (issue 3, intake),
    earliest first; empty when no service plan applies or every promise is kept already.
    """

    contract_number = serializers.SerializerMethodField()
    promises = serializers.SerializerMethodField()

    class Meta(TicketListSerializer.Meta):
        fields = [*TicketListSerializer.Meta.fields, "description", "contract", "contract_number",
                  "reported_serial", "reported_customer", "reporter_name", "reporter_phone", "reporter_email",
                  "in_warranty", "resolution", "cancel_reason", "resolved_at", "closed_at", "repeat_of", "promises"]
        read_only_fields = fields
        extra_kwargs = {**TicketListSerializer.Meta.extra_kwargs, "repeat_of": {"help_text": "The earlier request on the same unit whose fix did not hold: this "
                                                   "report came within the plan's recurrence window (issue 8)."}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not may_see_full_phone(request.user, instance):
            data["reporter_phone"] = mask_phone(instance.reporter_phone) if instance.reporter_phone else ""
            data["description"] = mask_phones_in_text(instance.description)
        return data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contract_number(self, obj):
        return obj.contract.number if obj.contract_id else None

    @extend_schema_field(PromiseSerializer(many=True))
    def get_promises(self, obj):
        return PromiseSerializer(promises_for(obj), many=True).data


class TicketCreateSerializer(serializers.Serializer):
    """A fault report.  `serial` (or `asset`) identifies the unit; an unknown serial still
    creates the ticket, flagged `unverified` for the desk (a report is never lost).  Customer
    users always report for their own customer."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    severity = serializers.IntegerField(default=Severity.MINOR, validators=[validate_severity], help_text=SEVERITY_TEXT)
    support_mode = serializers.ChoiceField(choices=SupportMode.choices, default=SupportMode.ON_SITE,
                                           help_text="P5.8: phone, remote or on-site support.")
    serial = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                   help_text="Serial no. of the faulty unit as reported.")
    customer = ScopedRelatedField(Customer, required=False, allow_null=True, default=None)
    site = ScopedRelatedField(Site, required=False, allow_null=True, default=None)
    asset = ScopedRelatedField(Asset, required=False, allow_null=True, default=None)
    reported_customer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reporter_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    reporter_email = serializers.EmailField(required=False, allow_blank=True)
    reported_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="When a letter, e-mail or call logged later was received: its clocks start then. Needs the "
                  "ticket.backdate_report permission; not in the future, at most REPORTED_AT_MAX_DAYS (7) days ago.")

    def to_representation(self, instance):
        # Answer a report with the whole ticket it created (or, on an idempotent retry, found).
        return TicketSerializer(instance, context=self.context).data


class TicketUpdateSerializer(serializers.Serializer):
    """Desk corrections; send `version` (or If-Match) — a stale version gets 409."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=limits.LONG_TEXT)
    severity = serializers.IntegerField(required=False, validators=[validate_severity], help_text=SEVERITY_TEXT)
    support_mode = serializers.ChoiceField(choices=SupportMode.choices, required=False)
    customer = ScopedRelatedField(Customer, required=False, allow_null=True)
    site = ScopedRelatedField(Site, required=False, allow_null=True)
    asset = ScopedRelatedField(Asset, required=False, allow_null=True)
    version = serializers.IntegerField(required=False, help_text="The version you edited (or send If-Match).")


class AllowedActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    requires = serializers.ListField(child=serializers.CharField())
    style = serializers.CharField()

    @staticmethod
    def of(transition):
        return {"action": transition.action, "label": str(transition.label),
                "requires": list(transition.requires), "style": transition.style}


class EventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField()
    data = serializers.DictField(read_only=True, help_text="Details of the event, e.g. {\"before\": …, \"after\": …}.")

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "kind_display", "actor", "created_at", "from_status", "to_status", "body",
                  "data", "internal"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_actor(self, obj):
        return _ref(obj.actor, obj.actor.display_name if obj.actor else "")

    def to_representation(self, instance):
        """Phone numbers in the text are masked unless the reader may see them (context "user", "ticket")."""
        data = super().to_representation(instance)
        user = self.context.get("user")
        if "user" in self.context and not may_see_full_phone(user, self.context.get("ticket")):
            data["body"] = mask_phones_in_text(instance.body)
        return data


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=limits.LONG_TEXT)
    internal = serializers.BooleanField(default=False, help_text="Internal note, never shown to customer users.")


class AttachmentSerializer(serializers.ModelSerializer):
    """An attachment; a voided one (customers never get it) says who voided it, when and why."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "ticket", "original_name", "content_type", "size", "internal", "created_at", "download_url",
                  "voided_at", "voided_by", "void_reason"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("attachment-download", args=[obj.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    internal = serializers.BooleanField(default=False)


class NotRepeatSerializer(serializers.Serializer):
    """Why a report linked as a repeat is a different fault (issue 8, the plan's recurrence window)."""

    reason = serializers.CharField(max_length=limits.SHORT_TEXT, help_text="Required: why it is a different fault.")


class VoidSerializer(serializers.Serializer):
    """Why a record made in error is voided (it is kept, P13.9)."""

    reason = serializers.CharField(max_length=limits.SHORT_TEXT, help_text="Required: why the record is voided.")
