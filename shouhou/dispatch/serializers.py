"""API shapes of visits, amendments, fault reports and engineers.

Serializers only validate and present; every change goes through dispatch.services.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shouhou.accounts.models import User
from shouhou.core import limits
from shouhou.tickets.action_inputs import ActionInput
from shouhou.tickets.models import Ticket

from .models import FaultReport, SignatureMethod, Visit, VisitAmendment


class VisitAmendmentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    changes = serializers.DictField(child=serializers.DictField(), read_only=True,
                                    help_text="Corrected fields: {\"field\": {\"before\": …, \"after\": …}}.")

    class Meta:
        model = VisitAmendment
        fields = ["id", "author", "author_name", "reason", "changes", "created_at"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    engineer_name = serializers.CharField(source="engineer.display_name", read_only=True)
    is_signed = serializers.BooleanField(read_only=True)
    signature_url = serializers.SerializerMethodField()
    amendments = VisitAmendmentSerializer(many=True, read_only=True)
    # Plain text here so the schema has one enum for signature methods (the one SignSerializer takes).
    signature_method = serializers.CharField(read_only=True, help_text=_('"drawn", "account" or empty.'))

    class Meta:
        model = Visit
        fields = [
            "id", "ticket", "ticket_number", "engineer", "engineer_name", "appointment_at", "appointment_note",
            "appointment_warning",
            "departed_at", "arrived_at", "left_at", "work_done", "parts_used", "signature_method", "signer_name",
            "signed_at", "is_signed", "signature_url", "amendments", "created_at", "voided_at", "voided_by",
            "void_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_signature_url(self, visit) -> str | None:
        """The scoped download view, never a bare media URL."""
        if not visit.signature_image:
            return None
        url = reverse("dispatch:signature", args=[visit.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class VisitStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=_("The service request's version you saw."))


class LeaveSerializer(serializers.Serializer):
    work_done = serializers.CharField(label=_("work done"), max_length=limits.TEXT)
    parts_used = serializers.CharField(label=_("parts used"), required=False, allow_blank=True, default="",
                                       max_length=limits.TEXT)
    customer_consent = serializers.CharField(label=_("customer consent"), required=False, allow_blank=True, default="",
                                             max_length=200, help_text="If the job is not resolved: who of the "
                                             "customer agreed to the engineer leaving (required by some plans).")


class SignSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=SignatureMethod.choices, label=_("signature"))
    signer_name = serializers.CharField(label=_("signed by"), required=False, allow_blank=True, default="",
                                        max_length=100)
    signature = serializers.CharField(
        label=_("signature image"), required=False, allow_blank=True, default="", max_length=limits.SIGNATURE_TEXT,
        help_text=_("For the drawn method: a PNG as a data URL (data:image/png;base64,…) or bare base64."),
    )


class AmendmentSerializer(serializers.Serializer):
    """A correction of a signed record: a reason plus only the fields being corrected."""

    reason = serializers.CharField(label=_("reason"), max_length=limits.SHORT_TEXT)
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    appointment_note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    departed_at = serializers.DateTimeField(required=False, allow_null=True)
    arrived_at = serializers.DateTimeField(required=False, allow_null=True)
    left_at = serializers.DateTimeField(required=False, allow_null=True)
    work_done = serializers.CharField(required=False, allow_blank=True, max_length=limits.TEXT)
    parts_used = serializers.CharField(required=False, allow_blank=True, max_length=limits.TEXT)


class FaultReportSerializer(serializers.ModelSerializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.none(), label=_("service request"))
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = FaultReport
        fields = ["id", "ticket", "author", "author_name", "cause", "fix", "prevention", "shared_with_customer",
                  "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A ticket outside the user's scope is "does not exist", never a hint that it does.
            self.fields["ticket"].queryset = Ticket.objects.visible_to(request.user)


class EngineerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    open_jobs = serializers.IntegerField(read_only=True, help_text=_("Open service requests assigned now."))

    class Meta:
        model = User
        fields = ["id", "username", "name", "phone", "open_jobs"]
        read_only_fields = fields


# --- Inputs of the workflow actions dispatch handles (registered in DispatchConfig.ready) -------------

class _When(serializers.DateTimeField):
    """An ISO 8601 date-time, read as the handlers read it (no offset: the site's time zone)."""

    def to_internal_value(self, value):
        from .handlers import parse_when

        return parse_when(value)


class AssignInput(ActionInput):
    """assign: an active field engineer and/or a dealer (one of them at least)."""

    assignee = serializers.IntegerField(required=False, allow_null=True, help_text="Engineer id.")
    dealer = serializers.IntegerField(required=False, allow_null=True, help_text="Dealer organisation id.")

    def validate_assignee(self, value):
        from .handlers import parse_engineer

        return parse_engineer(value)

    def validate_dealer(self, value):
        from .handlers import parse_dealer

        return parse_dealer(value)


class BookAppointmentInput(ActionInput):
    """book_appointment: the time agreed with the customer, and with whom."""

    required_codes = {"appointment_at": "appointment_required"}
    appointment_at = _When(help_text="ISO 8601; without an offset, the site's time zone.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                 help_text="Agreed with whom.")


ACTION_INPUTS = {"assign": AssignInput, "book_appointment": BookAppointmentInput,
                 "start_travel": ActionInput, "arrive": ActionInput}
