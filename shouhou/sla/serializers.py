"""API shapes of the SLA app."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .choices import ClockEvent, DayKind, TargetKind
from .models import CalendarDay, Clock, EscalationRule, ServicePlan, Target, WorkingCalendar
from .serializers_write import ClausesSerializer, PenaltyCapSerializer, PenaltySerializer, ZoneRuleSerializer


def _one_to_one(instance, name, serializer):
    row = getattr(instance, name, None) if instance.pk else None
    return serializer(row).data if row is not None else None


def _values(choices) -> str:
    return "One of: " + ", ".join(choices.values)


class CalendarDaySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_values(DayKind) + " (statutory holiday, swapped rest day, "
                                 "make-up working day).")
    provisional = serializers.BooleanField(read_only=True, help_text="Computed for a year without an official notice.")

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "name", "hours", "source", "provisional"]


def _texts(help_text: str):
    return serializers.ListField(child=serializers.CharField(allow_blank=True), read_only=True, help_text=help_text)


class WorkingCalendarSerializer(serializers.ModelSerializer):
    week = _texts("Seven entries, Monday first, e.g. \"09:00-12:00,13:00-18:00\"; empty = no work.")
    days_left = serializers.SerializerMethodField(help_text="Days until the holiday data runs out (null: none needed).")
    expiring = serializers.SerializerMethodField(help_text="True when the holiday data runs out within 60 days.")
    provisional_years = serializers.SerializerMethodField(
        help_text="Years counted on a provisional schedule (statutory days computed; no official notice yet).")

    class Meta:
        model = WorkingCalendar
        fields = ["id", "code", "name", "time_zone", "week", "makeup_hours", "statutory", "known_until",
                  "is_default", "days_left", "expiring", "provisional_years", "version"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_provisional_years(self, obj):
        return obj.provisional_years()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_left(self, obj):
        return obj.days_left(self.context["today"])

    @extend_schema_field(serializers.BooleanField())
    def get_expiring(self, obj):
        from .services.calendars import WARN_DAYS

        left = obj.days_left(self.context["today"])
        return left is not None and left < WARN_DAYS


class TargetSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_values(TargetKind))
    start_event = serializers.CharField(read_only=True, help_text=_values(ClockEvent))
    stop_event = serializers.CharField(read_only=True, help_text=_values(ClockEvent))
    severities = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=3), read_only=True,
                                       help_text="Fault levels 1-3 this target applies to; empty = any (P5.1).")
    service_levels = _texts("Service levels (A/B/C) this target applies to; empty = any (P5.2).")
    zones = _texts("Service-zone codes this target applies to; empty = any.")
    pause_statuses = serializers.ListField(child=serializers.CharField(), read_only=True, allow_null=True,
                                           help_text="This target's own pausing statuses; null: the plan's.")
    penalty = serializers.SerializerMethodField(help_text="null: no penalty on this target.")

    class Meta:
        model = Target
        fields = ["id", "kind", "name", "commitment", "amount", "unit", "calendar", "start_event", "stop_event",
                  "severities", "service_levels", "zones", "warranty", "order", "pause_statuses", "replaces",
                  "penalty"]

    @extend_schema_field(PenaltySerializer(allow_null=True))
    def get_penalty(self, target):
        return _one_to_one(target, "penalty", PenaltySerializer)


class EscalationRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationRule
        fields = ["id", "target", "name", "level", "trigger", "share", "offset_minutes", "action", "reassign_to",
                  "commitment"]


class ServicePlanSerializer(serializers.ModelSerializer):
    targets = TargetSerializer(many=True, read_only=True)
    escalations = EscalationRuleSerializer(many=True, read_only=True)
    pause_statuses = _texts("Ticket statuses in which this plan's clocks stand still.")
    zone_names = serializers.DictField(child=serializers.CharField(), read_only=True,
                                       help_text="What each service-zone code means in this contract.")
    zone_rules = ZoneRuleSerializer(many=True, read_only=True)
    clauses = serializers.SerializerMethodField(help_text="null: no clause applies.")
    penalty_cap = serializers.SerializerMethodField(help_text="null: no monthly penalty cap.")

    class Meta:
        model = ServicePlan
        fields = ["id", "name", "contract", "is_template", "is_default", "source", "description", "calendar",
                  "pause_statuses", "zone_names", "created_from", "status", "revision", "effective_from", "line",
                  "base", "targets", "escalations", "zone_rules", "clauses", "penalty_cap", "version"]

    @extend_schema_field(ClausesSerializer(allow_null=True))
    def get_clauses(self, plan):
        return _one_to_one(plan, "clauses", ClausesSerializer)

    @extend_schema_field(PenaltyCapSerializer(allow_null=True))
    def get_penalty_cap(self, plan):
        return _one_to_one(plan, "penalty_cap", PenaltyCapSerializer)


class CreateFromTemplateSerializer(serializers.Serializer):
    contract = serializers.IntegerField(help_text="Id of the contract that gets the new plan.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ClockSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_values(TargetKind))
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    commitment = serializers.CharField(source="target.commitment", read_only=True)
    pauses = serializers.ListField(
        child=serializers.ListField(child=serializers.DateTimeField(allow_null=True), min_length=2, max_length=2),
        read_only=True, help_text="Paused intervals as [start, end] pairs; end is null while still paused.",
    )
    provisional = serializers.BooleanField(source="is_provisional", read_only=True,
                                           help_text="The due time is counted on provisional holidays (beyond the "
                                                     "calendar's official data); it moves when the notice is entered.")

    class Meta:
        model = Clock
        fields = ["id", "ticket", "ticket_number", "target", "commitment", "kind", "name", "unit", "calendar", "state",
                  "started_at", "due_at", "stopped_at", "budget_seconds", "used_seconds", "paused_seconds", "pauses",
                  "late_seconds", "recurred_at", "provisional", "updated_at"]
        extra_kwargs = {"recurred_at": {"help_text": "The fix did not hold: the same unit was reported again within "
                                                     "the plan's recurrence window at this instant; the clock counts "
                                                     "as breached (issue 8)."}}


class StepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    what = serializers.ChoiceField(choices=["start", "pause", "resume", "stop", "reopen", "recurred", "withdrawn", "cancel", "due"])
    label = serializers.CharField()
    used_seconds = serializers.FloatField(help_text="Clock time used up to here (working time for working units).")
    wall_seconds = serializers.FloatField(help_text="Wall-clock time since the start.")
    event = serializers.IntegerField(allow_null=True, help_text="Timeline event id.")


class ExplainSerializer(serializers.Serializer):
    clock = ClockSerializer()
    state = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    budget_seconds = serializers.FloatField()
    used_seconds = serializers.FloatField()
    wall_seconds = serializers.FloatField()
    paused_seconds = serializers.FloatField()
    margin_seconds = serializers.FloatField(allow_null=True, help_text="Due minus stop (or now); negative = late.")
    steps = StepSerializer(many=True)
    provisional = serializers.BooleanField(help_text="The due time is counted on provisional holidays.")
    official_holidays_until = serializers.DateField(allow_null=True,
                                                    help_text="Last date of the calendar's official holiday data.")
    provisional_years = serializers.ListField(child=serializers.IntegerField(),
                                              help_text="Years of the calendar counted on a provisional schedule.")


class ComplianceQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField(required=False, help_text="Contract id; omit for every contract you may see.")
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                                   help_text="Month as YYYY-MM (local time); default: the current month.")


class ComplianceCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Clocks started in the month (cancelled ones left out).")
    met = serializers.IntegerField()
    breached = serializers.IntegerField(help_text="Stopped late, or still open past the due time.")
    running = serializers.IntegerField(help_text="Still open and not yet due, or paused.")
    compliance_percent = serializers.FloatField(allow_null=True,
                                                help_text="met / (met + breached) × 100; null when nothing was judged.")


class ComplianceKindSerializer(ComplianceCountsSerializer):
    kind = serializers.CharField(help_text=_values(TargetKind))
    label = serializers.CharField()


class ComplianceSerializer(serializers.Serializer):
    contract = serializers.IntegerField(allow_null=True)
    month = serializers.CharField()
    kinds = ComplianceKindSerializer(many=True)
    total = ComplianceCountsSerializer()


class CalendarDayWriteSerializer(serializers.Serializer):
    """One dated exception to add or change (issue 8: the API writes calendars)."""

    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices, help_text=_values(DayKind))
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    hours = serializers.CharField(required=False, allow_blank=True, max_length=200, default="",
                                  help_text="Optional working hours, e.g. 09:00-12:00 (a half day).")


class NoticeSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, help_text="The State Council notice's text, or its numbered items.")
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100,
                                    help_text="Only needed when the text does not name the year.")
    preview = serializers.BooleanField(default=False, help_text="true: only read the notice, save nothing.")


class NoticeDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField(help_text=_values(DayKind))
    name = serializers.CharField()


class NoticeResultSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    saved = serializers.BooleanField()
    days = NoticeDaySerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())
    known_until = serializers.DateField(allow_null=True, help_text="The calendar's official data now ends here.")
    changed_clocks = serializers.IntegerField(allow_null=True, help_text="Open clocks whose due time moved.")
