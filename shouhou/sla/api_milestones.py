"""POST /api/v1/tickets/{id}/milestones/: record a milestone on a service request (issue 8).

A milestone is a clock event the workflow does not produce — the customer contacted, a solution
proposed, the job arranged, parts ordered, parts on site, followed up … (choices.MANUAL_EVENTS).
The engineer's phone records the same through dispatch's job card; both call
`services.record_milestone`, which checks the scope and the right ("ticket.record_clock") and
updates the clocks.  The request comes from `Ticket.objects.visible_to(user)`: out of scope is a
404.  `Idempotency-Key` works as on every POST that makes something (a retried key answers the
milestone it made, 200); a stale `version` (or If-Match) is a 409.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from shouhou.core.api import IDEMPOTENCY_KEY, IF_MATCH, IdempotentPostMixin, ScopedViewSetMixin
from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.core.versioning import parse_if_match
from shouhou.tickets.choices import EventKind
from shouhou.tickets.models import Ticket, TicketEvent

from .choices import MANUAL_EVENTS, MILESTONE_CHOICES, ClockEvent
from .models import Clock
from .plan_api import labelled
from .serializers import ClockSerializer
from .services import record_milestone


class MilestoneSerializer(serializers.Serializer):
    """In: the milestone (and when it happened); out: the timeline entry and the request's clocks."""

    id = serializers.IntegerField(read_only=True, help_text="Timeline event id.")
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    event = serializers.ChoiceField(label=_("milestone"), choices=MILESTONE_CHOICES)
    at = serializers.DateTimeField(label=_("at"), required=False, allow_null=True,
                                   help_text="When it happened; leave out for now.  May lie in the past (a call "
                                             "made before it was typed in), never in the future.")
    note = serializers.CharField(label=_("note"), required=False, allow_blank=True, max_length=500)
    version = serializers.IntegerField(label=_("version"), required=False, allow_null=True, write_only=True,
                                       min_value=0, max_value=2**31 - 1,
                                       help_text="The service request's version you saw (or send If-Match).")
    created_at = serializers.DateTimeField(read_only=True)
    clocks = serializers.SerializerMethodField(help_text="The request's clocks after the milestone.")

    def is_valid(self, *, raise_exception=False):
        """Errors keyed by field, each led by the field's name in the user's language (as plan writes)."""
        ok = super().is_valid(raise_exception=False)
        if not ok and raise_exception:
            raise ValidationError(labelled(self, self.errors))
        return ok

    def to_representation(self, instance: TicketEvent):
        data = instance.data or {}
        return {
            "id": instance.pk, "ticket": instance.ticket_id, "event": data.get("sla_event"),
            "at": data.get("at") or serializers.DateTimeField().to_representation(instance.created_at),
            "note": instance.body, "created_at": serializers.DateTimeField().to_representation(instance.created_at),
            "clocks": self.get_clocks(instance),
        }

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, instance: TicketEvent):
        clocks = Clock.objects.filter(ticket_id=instance.ticket_id).select_related("ticket", "target", "calendar")
        return ClockSerializer(clocks.order_by("due_at", "id"), many=True).data


class TicketMilestoneViewSet(ScopedViewSetMixin, IdempotentPostMixin, viewsets.GenericViewSet):
    """Milestones of the service requests the user may see (registered under /tickets/)."""

    scoped_model = Ticket
    serializer_class = MilestoneSerializer
    idempotency_scope = "sla.milestone"
    filter_backends: list = []

    @extend_schema(
        summary="Record a milestone (customer contacted, solution proposed, parts on site, …)",
        description="Which milestone stops which clock is the plan's: e.g. a “call back within 15 minutes” target "
                    "stops at `contacted`; whether the desk's Accept also counts as contacted is the plan clause "
                    "`accept_is_contact`.  Values of `event`: "
                    + ", ".join(f"`{e.value}`" for e in MANUAL_EVENTS) + ".",
        parameters=[IDEMPOTENCY_KEY, IF_MATCH], request=MilestoneSerializer,
        responses={201: MilestoneSerializer, 200: OpenApiResponse(MilestoneSerializer, description="Replayed "
                   "Idempotency-Key: the milestone that key recorded."),
                   400: OpenApiResponse(description="`event` not a milestone, `future_event` (field `at`), "
                                                    "each naming its field"),
                   403: OpenApiResponse(description="`not_permitted`"),
                   404: OpenApiResponse(description="No such request in your scope"),
                   409: OpenApiResponse(description="`stale_version`: the request changed since you saw it"),
                   422: OpenApiResponse(description="`idempotency_key_reused`")})
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        self.ticket = self.get_object()
        return self.idempotent_post(request)

    def perform_create(self, serializer):
        data = serializer.validated_data
        version = data.get("version")
        if version is None:
            version = parse_if_match(self.request.headers.get("If-Match"))
        try:
            serializer.instance = record_milestone(self.request.user, self.ticket, ClockEvent(data["event"]).value,
                                                   at=data.get("at"), note=data.get("note", ""),
                                                   expected_version=version)
        except ServiceError as exc:  # "时间：…", "版本：…" — the field named as on the form
            field = serializer.fields.get(exc.field) if exc.field else None
            if field is not None and field.label and not isinstance(exc, PermissionDeniedError):
                exc.message = f"{field.label}：{exc.message}"
            raise

    def idempotent_instance(self, object_id):
        return TicketEvent.objects.get(pk=object_id, ticket_id=self.ticket.pk, kind=EventKind.MILESTONE)


def register(router):
    router.register("tickets", TicketMilestoneViewSet, basename="ticket-milestone")
