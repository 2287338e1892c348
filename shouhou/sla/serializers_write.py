"""API shapes for writing service plans (issue 8): plans, targets, escalation rules, zones, publishing,
preview and back-test.  Lists are typed (choices), never free JSON."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shouhou.contracts.choices import ServiceLevel
from shouhou.contracts.models import Contract
from shouhou.customers.models import ServiceZone, Site
from shouhou.tickets.choices import Status
from shouhou.tickets.severity import SeverityLevel, validate_severity

from .models import (
    EscalationRule,
    PlanClauses,
    PlanPenaltyCap,
    PlanZoneRule,
    ServicePlan,
    Target,
    TargetPenalty,
    WorkingCalendar,
)

_STATUSES = serializers.ChoiceField(choices=Status.choices)
_REASON = {"required": False, "allow_blank": True, "max_length": 500, "write_only": True,
           "help_text": "Why: kept in the plan's history."}


def _statuses(**kwargs):
    return serializers.ListField(child=serializers.ChoiceField(choices=Status.choices), **kwargs)


class PenaltySerializer(serializers.ModelSerializer):
    """A target's penalty: `rate` CNY per (started) hour late, at most `cap_per_ticket` a request."""

    class Meta:
        model = TargetPenalty
        fields = ["rate", "basis", "cap_per_ticket"]


class PenaltyCapSerializer(serializers.ModelSerializer):
    """The plan's monthly penalty cap: a fixed amount, a share of the monthly fee, or both (smaller wins)."""

    class Meta:
        model = PlanPenaltyCap
        fields = ["monthly_cap", "monthly_cap_share", "monthly_fee"]


class ClausesSerializer(serializers.ModelSerializer):
    """The plan's clauses: evidence rules, the recurrence window ("a fix counts only if it stays
    fixed") and the working window for appointments."""

    appointment_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7), required=False, max_length=7,
        label=_("working window: weekdays"), help_text="ISO weekdays: 1 = Monday … 7 = Sunday.")

    class Meta:
        model = PlanClauses
        fields = ["unsigned_is_not_done", "leave_needs_consent", "loaner_until_resolved", "accept_is_contact", "recurrence_days",
                  "appointment_window", "appointment_days", "appointment_hours", "appointment_skip_holidays"]
        extra_kwargs = {
            "recurrence_days": {"help_text": "A new report on the same unit within this many days of a resolution "
                                             "is a repeat and the earlier resolution target counts as not kept; "
                                             "null: off."},
            "appointment_window": {"help_text": 'Booking outside the window: "" off, "warn" (booked, with a '
                                                'warning) or "refuse".'},
            "appointment_hours": {"help_text": "HH:MM-HH:MM[,HH:MM-HH:MM…], in the plan calendar's time zone; "
                                               "the end is outside."},
        }


@extend_schema_field({"type": "string", "maxLength": 32, "example": "nearby"})
class ZoneCodeField(serializers.SlugRelatedField):
    """A service zone named by its code (at most 32 characters)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=ServiceZone.objects.all(), **kwargs)


class ZoneRuleSerializer(serializers.ModelSerializer):
    """Sites in this province / city / district lie in `zone` (a zone code); no place: the default zone."""

    zone = ZoneCodeField(label=_("service zone"))

    class Meta:
        model = PlanZoneRule
        fields = ["zone", "province", "city", "district", "order"]


class PlanWriteSerializer(serializers.ModelSerializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True,
                                                  label=_("contract"), help_text="Only on create: the contract.")
    base = serializers.PrimaryKeyRelatedField(queryset=ServicePlan.objects.all(), required=False, allow_null=True,
                                              label=_("base plan"))
    pause_statuses = _statuses(required=False, label=_("statuses that pause clocks"))
    zone_names = serializers.DictField(child=serializers.CharField(max_length=100), required=False,
                                       label=_("service zones"))
    clauses = ClausesSerializer(required=False, label=_("plan clauses"))
    penalty_cap = PenaltyCapSerializer(required=False, allow_null=True, label=_("penalty cap"),
                                       help_text="null: no monthly cap.")
    zone_rules = ZoneRuleSerializer(many=True, required=False, label=_("zone rules"),
                                    help_text="The whole list: it replaces the plan's zone rules.")
    reason = serializers.CharField(label=_("reason"), **_REASON)

    TERMS = ("clauses", "penalty_cap", "zone_rules")

    class Meta:
        model = ServicePlan
        fields = ["name", "contract", "base", "calendar", "pause_statuses", "zone_names", "description", "source",
                  "clauses", "penalty_cap", "zone_rules", "reason"]

    def validate_contract(self, value):
        request = self.context.get("request")
        if value is not None and request and not Contract.objects.visible_to(request.user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(_("No such contract."))
        return value

    def validate_base(self, value):
        request = self.context.get("request")
        if value is not None and request and not ServicePlan.objects.visible_to(request.user).filter(
                pk=value.pk).exists():
            raise serializers.ValidationError(_("No such plan."))
        return value


class _RowWrite(serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=ServicePlan.objects.all(), label=_("plan"),
                                              help_text="Only on create: the plan the row belongs to.")
    version = serializers.IntegerField(required=False, write_only=True, label=_("version"),
                                       help_text="The plan's version you edited (or send If-Match).")
    reason = serializers.CharField(label=_("reason"), **_REASON)


class TargetWriteSerializer(_RowWrite):
    severities = serializers.ListField(child=serializers.IntegerField(validators=[validate_severity]), required=False,
                                       label=_("severities"), help_text="Empty: any severity.")
    service_levels = serializers.ListField(child=serializers.ChoiceField(choices=ServiceLevel.choices),
                                           required=False, label=_("service levels"), help_text="Empty: any level.")
    zones = serializers.ListField(child=serializers.SlugRelatedField(slug_field="code",
                                                                     queryset=ServiceZone.objects.all()),
                                  required=False, label=_("zones"), help_text="Zone codes; empty: any zone.")
    pause_statuses = _statuses(required=False, allow_null=True, label=_("statuses that pause this clock"),
                               help_text="null: the plan's pausing statuses; a list (even empty): this target's own.")
    penalty = PenaltySerializer(required=False, allow_null=True, label=_("penalty"),
                                help_text="null: no penalty on this target.")

    class Meta:
        model = Target
        fields = ["id", "plan", "kind", "name", "commitment", "amount", "unit", "calendar", "start_event",
                  "stop_event", "severities", "service_levels", "zones", "warranty", "order", "pause_statuses",
                  "replaces", "penalty", "version", "reason"]

    def validate_zones(self, value):
        return [zone.code for zone in value]

    def to_representation(self, instance):
        return TargetOutSerializer(instance).data


class TargetOutSerializer(serializers.ModelSerializer):
    """A target as written: zone codes as stored."""

    severities = serializers.ListField(child=serializers.IntegerField())
    service_levels = serializers.ListField(child=serializers.CharField())
    zones = serializers.ListField(child=serializers.CharField())
    pause_statuses = serializers.ListField(child=serializers.CharField(), allow_null=True)
    penalty = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["id", "plan", "kind", "name", "commitment", "amount", "unit", "calendar", "start_event",
                  "stop_event", "severities", "service_levels", "zones", "warranty", "order", "pause_statuses",
                  "replaces", "penalty"]

    @extend_schema_field(PenaltySerializer(allow_null=True))
    def get_penalty(self, target):
        row = TargetPenalty.objects.filter(target_id=target.pk).first() if target.pk else None
        return PenaltySerializer(row).data if row is not None else None


class RuleWriteSerializer(_RowWrite):
    class Meta:
        model = EscalationRule
        fields = ["id", "plan", "target", "name", "level", "trigger", "share", "offset_minutes", "action",
                  "reassign_to", "commitment", "version", "reason"]


class ServiceZoneSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(label=_("reason"), **_REASON)

    class Meta:
        model = ServiceZone
        fields = ["id", "code", "name", "reason"]


class PublishSerializer(serializers.Serializer):
    effective_from = serializers.DateTimeField(required=False, allow_null=True, label=_("effective from"),
                                               help_text="Default: now.")
    recompute = serializers.BooleanField(default=False, label=_("recompute open requests"),
                                         help_text="true: open requests of the line move onto this version now.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, label=_("reason"))
    version = serializers.IntegerField(required=False, help_text="The plan's version (or send If-Match).")


class PreviewQuerySerializer(serializers.Serializer):
    severity = serializers.IntegerField(validators=[validate_severity], label=_("severity"))
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True,
                                              label=_("site"))
    service_level = serializers.ChoiceField(choices=ServiceLevel.choices, required=False, label=_("service level"))
    at = serializers.DateTimeField(required=False, label=_("reported at"), help_text="Default: now.")

    def validate_site(self, value):
        request = self.context.get("request")
        if value is not None and request and not Site.objects.visible_to(request.user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(_("No such site."))
        return value


class PreviewRowSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    name = serializers.CharField(source="target.name")
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)


class BacktestRowSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    name = serializers.CharField(source="target.name")
    met = serializers.IntegerField()
    breached = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Still running or paused.")
    compliance = serializers.FloatField(allow_null=True, help_text="met / (met + breached) × 100.")


class BacktestSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    tickets = serializers.IntegerField(help_text="Requests replayed.")
    rows = BacktestRowSerializer(many=True)


class CalendarWriteSerializer(serializers.ModelSerializer):
    week = serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=200), min_length=7,
                                 max_length=7, required=False, label=_("weekly working hours"),
                                 help_text="Seven entries, Monday first, e.g. \"09:00-12:00,13:00-18:00\"; \"\" = no work.")
    reason = serializers.CharField(label=_("reason"), **_REASON)

    class Meta:
        model = WorkingCalendar
        fields = ["code", "name", "time_zone", "week", "makeup_hours", "statutory", "is_default", "reason"]


class SeverityLevelSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(label=_("reason"), **_REASON)

    class Meta:
        model = SeverityLevel
        fields = ["id", "rank", "name", "definition", "active", "reason"]
