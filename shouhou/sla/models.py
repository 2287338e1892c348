"""Service-plan data and clocks (issue 3): working calendars, plans, targets, escalation, clocks.

Business policy lives here as data (style rule 10): a contract's plan is rows, not code, so the
seed's different plans (P5, P8, P13, P14 …) are all expressed without code changes.  Clocks are
derived data: they can always be recomputed from the ticket's timeline (see evaluate.py).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import permissions
from shouhou.contracts.choices import ServiceLevel
from shouhou.contracts.models import Contract
from shouhou.core import limits
from shouhou.core.audit import AuditedRecords
from shouhou.core.models import VersionedModel
from shouhou.customers.models import validate_time_zone
from shouhou.customers.scoping import NOTHING
from shouhou.tickets.choices import Status
from shouhou.tickets.models import Ticket
from shouhou.tickets.severity import validate_severity

from . import worktime
from .choices import (
    Action,
    ClockEvent,
    ClockState,
    DayKind,
    LoanerStatus,
    PlanStatus,
    TargetKind,
    Trigger,
    Unit,
    WarrantyScope,
)

OFFICE_WEEK = ["09:00-12:00,13:00-18:00"] * 5 + ["", ""]
WORKING_UNITS = (Unit.WORKING_MINUTES, Unit.WORKING_HOURS, Unit.WORKING_DAYS, Unit.WORKING_HALF_DAYS)


def default_week():
    return list(OFFICE_WEEK)


def validate_day_spec(value):
    try:
        worktime.parse_day_pattern(value or None)
    except ValueError as exc:
        raise ValidationError(_("Invalid working hours “%(value)s”: use HH:MM-HH:MM, comma separated."),
                              params={"value": value}) from exc


def validate_week(value):
    if not isinstance(value, list) or len(value) != 7:
        raise ValidationError(_("A weekly pattern has exactly seven days, Monday first."))
    for spec in value:
        validate_day_spec(spec)


class WorkingCalendarQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Calendars are reference data: every user with a role may read them."""
        return self if permissions.role_of(user) else self.filter(NOTHING)


class WorkingCalendar(VersionedModel):
    """A time zone, a weekly pattern of working hours and dated exceptions (holidays, 调休).

    `week` is seven interval strings, Monday first ("09:00-12:00,13:00-18:00"; "" = no work;
    "00:00-24:00" = all day), so 7×24, 5×8 with lunch and shift patterns are all data.
    `statutory` names the holiday data the calendar is seeded from ("CN" = mainland China via
    chinese_calendar); `known_until` is the last date that data is known for — admins are warned
    before it runs out (issue 3).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai",
                                 validators=[validate_time_zone])
    week = models.JSONField(_("weekly working hours"), default=default_week, validators=[validate_week],
                            help_text=_("Seven entries, Monday first, e.g. 09:00-12:00,13:00-18:00; empty = no work."))
    makeup_hours = models.CharField(_("hours on make-up working days"), max_length=200,
                                    default="09:00-12:00,13:00-18:00", blank=True, validators=[validate_day_spec])
    statutory = models.CharField(_("statutory holidays"), max_length=8, blank=True,
                                 help_text=_("“CN”: seeded with mainland China's statutory holidays and make-up days."))
    known_until = models.DateField(_("holidays known until"), null=True, blank=True)
    is_default = models.BooleanField(_("default calendar"), default=False)

    objects = WorkingCalendarQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        validate_week(self.week)

    def to_worktime(self) -> worktime.WorkCalendar:
        """The pure calendar value for arithmetic; equal rows give equal (cache-sharing) values."""
        days = list(self.days.all()) if self.pk else []
        holidays, makeup = [], {}
        for day in days:
            if day.kind == DayKind.MAKEUP:
                makeup[day.date] = day.hours or self.makeup_hours or None
            elif day.hours:
                makeup[day.date] = day.hours  # a holiday with reduced hours: those hours only
            else:
                holidays.append(day.date)
        return worktime.make_calendar(self.time_zone, self.week, holidays=holidays, makeup_days=makeup,
                                      known_until=self.known_until, name=self.code)

    def provisional_years(self) -> list[int]:
        """Years whose days come from a provisional schedule (no official notice entered yet)."""
        if not self.pk:
            return []
        return sorted({d.year for d in self.days.filter(provisional=True).dates("date", "year")})

    def is_provisional_on(self, day: date) -> bool:
        """True when `day` lies beyond the official data of a statutory calendar: its holidays are
        provisional (or unknown) there, never silently a plain working day (issue 8)."""
        return bool(self.statutory) and (self.known_until is None or day > self.known_until)

    def days_left(self, today: date) -> int | None:
        """Days until the holiday data runs out; None when the calendar has no dated data source."""
        if not self.statutory or self.known_until is None:
            return None
        return (self.known_until - today).days


class CalendarDay(models.Model):
    """A dated exception: a holiday, or a make-up working day (调休) — optionally with own hours."""

    calendar = models.ForeignKey(WorkingCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE,
                                 related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("day type"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    hours = models.CharField(_("working hours"), max_length=200, blank=True, validators=[validate_day_spec],
                             help_text=_("Optional. Make-up day: its hours (default: the calendar's). "
                                         "Holiday: hours still worked (e.g. a half day)."))
    source = models.CharField(_("source"), max_length=64, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False,
                                      help_text=_("Computed for a year without an official notice yet; "
                                                  "replaced when the notice is entered."))

    # Days seeded from chinese_calendar are bulk-inserted without rows (see services.calendars).
    history = AuditedRecords(part_of="calendar")

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="sla_calendar_day_unique")]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class ServicePlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The scope of "plan.view": internal staff every plan and template; dealers the plans of the
        contracts they see (templates have no contract, so they see none)."""
        return permissions.scope_filter(user, "plan.view", self)

    supported_scopes = frozenset({permissions.ALL, permissions.ORGANISATION})

    def scope_q(self, user, scope: str):
        return Q(contract__in=Contract.objects.visible_to(user)) if scope == permissions.ORGANISATION else NOTHING

    def templates(self):
        return self.filter(is_template=True)


class ServicePlan(VersionedModel):
    """A contract's service plan (售后服务方案) as data, or a template to build one from.

    `pause_statuses`: ticket statuses in which this plan's clocks stand still (e.g. pending
    customer).  `zone_names`: what the service-zone codes mean in this contract (市内 / 省内 /
    外省).  The default plan applies to tickets whose contract has no plan of its own.
    """

    name = models.CharField(_("name"), max_length=200)
    contract = models.OneToOneField(Contract, verbose_name=_("contract"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="service_plan")
    is_template = models.BooleanField(_("template"), default=False)
    is_default = models.BooleanField(_("default plan"), default=False)
    source = models.CharField(_("source"), max_length=32, blank=True,
                              help_text=_("Where the plan comes from, e.g. a section of the seed plans."))
    description = models.TextField(_("description"), blank=True, max_length=limits.TEXT)
    calendar = models.ForeignKey(WorkingCalendar, verbose_name=_("calendar"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="plans")
    pause_statuses = models.JSONField(_("statuses that pause clocks"), default=list, blank=True)
    zone_names = models.JSONField(_("service zones"), default=dict, blank=True)
    created_from = models.ForeignKey("self", verbose_name=_("template"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # Versions (issue 8): the row attached to the contract (or the default plan) heads a line of
    # versions; later versions point at it.  A published version is never edited: an edit makes a
    # draft, publishing it gives it an effective instant.  A ticket is measured by the version in
    # effect when it was reported, unless the manager recomputed it onto another (PlanChoice).
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PUBLISHED)
    revision = models.PositiveIntegerField(_("version number"), default=1)
    effective_from = models.DateTimeField(_("effective from"), null=True, blank=True,
                                          help_text=_("Empty: since the plan was set up."))
    line = models.ForeignKey("self", verbose_name=_("first version"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="versions")
    # Variants (issue 8): a plan may take a base plan's targets and override only some of them.
    base = models.ForeignKey("self", verbose_name=_("base plan"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="variants",
                             help_text=_("Targets of the base plan apply unless this plan overrides them."))

    objects = ServicePlanQuerySet.as_manager()
    # Attaching a plan shows on the contract's page too.
    history = AuditedRecords(part_of="contract", labels={"pause_statuses": Status.choices})

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["-is_template", "source", "name"]

    def __str__(self):
        return self.name

    @property
    def head(self) -> ServicePlan:
        """The first version: the row the contract (or the default flag) hangs on."""
        return self.line if self.line_id else self

    def clean(self):
        if self.base_id and self.pk and self.base_id == self.pk:
            raise ValidationError({"base": _("A plan cannot be its own base plan.")})
        if self.is_template and self.contract_id:
            raise ValidationError({"contract": _("A template is not attached to a contract.")})
        bad = [s for s in self.pause_statuses or [] if s not in Status.values]
        if bad:
            raise ValidationError({"pause_statuses": _("Unknown statuses: %(s)s") % {"s": ", ".join(bad)}})


class Target(models.Model):
    """One promise of a plan: a duration from a start event to a stop event, for a scope.

    Scope lists are empty for "any": severities (ranks of the company's levels), service levels (A/B/C, P5.2), zone
    codes, and warranty status.  The duration may be fractional; working units use `calendar`
    (else the plan's, else the default calendar).
    """

    plan = models.ForeignKey(ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=16, choices=TargetKind.choices)
    name = models.CharField(_("name"), max_length=200)
    commitment = models.CharField(_("commitment"), max_length=32, blank=True)
    amount = models.DecimalField(_("duration"), max_digits=10, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.HOURS)
    calendar = models.ForeignKey(WorkingCalendar, verbose_name=_("calendar"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="targets")
    start_event = models.CharField(_("starts at"), max_length=20, choices=ClockEvent.choices,
                                   default=ClockEvent.RECEIVED)
    stop_event = models.CharField(_("stops at"), max_length=20, choices=ClockEvent.choices)
    severities = models.JSONField(_("severities"), default=list, blank=True)
    service_levels = models.JSONField(_("service levels"), default=list, blank=True)
    zones = models.JSONField(_("zones"), default=list, blank=True)
    warranty = models.CharField(_("warranty"), max_length=4, choices=WarrantyScope.choices, default=WarrantyScope.ANY)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # None: the plan's pausing statuses; a list (possibly empty): this target's own (issue 8,
    # "waiting for the customer pauses the repair clock but not the arrival clock").
    pause_statuses = models.JSONField(_("statuses that pause this clock"), null=True, blank=True,
                                      help_text=_("Empty: the plan's."))
    replaces = models.ForeignKey("self", verbose_name=_("overrides"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 help_text=_("A variant's target that takes the place of a base plan's target."))

    history = AuditedRecords(part_of="plan", labels={"service_levels": ServiceLevel.choices,
                                                     "pause_statuses": Status.choices})

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("The duration must be positive.")})
        if self.start_event == self.stop_event:
            raise ValidationError({"stop_event": _("A clock cannot stop at the event that starts it.")})
        for level in self.severities or []:
            validate_severity(level)  # the company's own levels (tickets.severity)
        bad = [s for s in self.pause_statuses or [] if s not in Status.values]
        if bad:
            raise ValidationError({"pause_statuses": _("Unknown statuses: %(s)s") % {"s": ", ".join(bad)}})


class EscalationRule(models.Model):
    """An escalation level: fires at a share of a target elapsed, or at an offset from its due time.

    `target` empty: the rule applies to every target of the plan.  `offset_minutes` is negative
    before the due time, positive after it.  Each rule fires at most once per ticket and target.
    """

    plan = models.ForeignKey(ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="escalations")
    target = models.ForeignKey(Target, verbose_name=_("target"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="escalations")
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    trigger = models.CharField(_("trigger"), max_length=8, choices=Trigger.choices, default=Trigger.SHARE)
    share = models.DecimalField(_("share elapsed"), max_digits=5, decimal_places=3, null=True, blank=True)
    offset_minutes = models.IntegerField(_("minutes from due"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    reassign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reassign to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"role": "engineer", "is_active": True},
        help_text=_("For “Reassign”: the engineer who takes over (e.g. the senior engineer on duty). "
                    "Empty: the request goes back to the dispatch queue."),
    )
    commitment = models.CharField(_("commitment"), max_length=32, blank=True)

    history = AuditedRecords(part_of="plan")

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["plan", "level", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.trigger == Trigger.SHARE and (self.share is None or self.share <= 0):
            raise ValidationError({"share": _("Give the share of the target elapsed, e.g. 0.75.")})
        if self.trigger == Trigger.OFFSET and self.offset_minutes is None:
            raise ValidationError({"offset_minutes": _("Give the minutes before (negative) or after the due time.")})
        if self.target_id and self.plan_id and self.target.plan_id != self.plan_id:
            raise ValidationError({"target": _("The target belongs to another plan.")})


class ClockQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Clocks of the tickets the user sees (the ticket's one scoping rule)."""
        return self.filter(ticket__in=Ticket.objects.visible_to(user))

    def open(self):
        return self.filter(state__in=(ClockState.RUNNING, ClockState.PAUSED))


class Clock(models.Model):
    """A target applied to one ticket: start, due, pauses, stop, state — derived from the timeline.

    `budget_seconds` is the target in seconds of clock time (working seconds for working units);
    `consumed_seconds` is the clock time used before `resumed_at` (the start of the current running
    stretch), so the due time of a running clock is `resumed_at + (budget - consumed)` on its
    calendar — which a calendar edit can recompute in one vectorised batch.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.CASCADE,
                               related_name="clocks")
    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField(_("kind"), max_length=16, choices=TargetKind.choices)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    calendar = models.ForeignKey(WorkingCalendar, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    budget_seconds = models.FloatField(default=0)
    consumed_seconds = models.FloatField(default=0)
    used_seconds = models.FloatField(_("clock time used"), default=0)
    paused_seconds = models.FloatField(_("paused (wall time)"), default=0)
    pauses = models.JSONField(_("paused intervals"), default=list, blank=True)
    late_seconds = models.FloatField(_("late by"), null=True, blank=True)
    # The fix did not hold (issue 8): a repeat report within the plan's recurrence window, when.
    recurred_at = models.DateTimeField(_("fix did not hold at"), null=True, blank=True)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "target"], name="sla_clock_ticket_target")]
        indexes = [
            models.Index(fields=["state", "due_at"], name="sla_clock_state_due"),
            models.Index(fields=["next_escalation_at"], name="sla_clock_next_escalation",
                         condition=Q(next_escalation_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.name}"

    @property
    def is_provisional(self) -> bool:
        """A working-time clock whose due time lies beyond its calendar's official holidays: counted on
        a provisional schedule (issue 8).  Calendar-time units do not depend on holidays."""
        if self.calendar_id is None or self.unit not in WORKING_UNITS or self.due_at is None:
            return False
        return self.calendar.is_provisional_on(self.due_at.astimezone(ZoneInfo(self.calendar.time_zone)).date())

    @property
    def is_open(self) -> bool:
        return self.state in (ClockState.RUNNING, ClockState.PAUSED)


class FiredEscalation(models.Model):
    """The log of escalations that fired; `key` (ticket:target:rule) makes each fire exactly once."""

    key = models.CharField(max_length=100, unique=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    clock = models.ForeignKey(Clock, null=True, blank=True, on_delete=models.SET_NULL, related_name="escalations")
    rule = models.ForeignKey(EscalationRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    scheduled_for = models.DateTimeField(_("due to fire at"))
    fired_at = models.DateTimeField(_("fired at"))

    class Meta:
        verbose_name = _("fired escalation")
        verbose_name_plural = _("fired escalations")
        ordering = ["-fired_at"]

    def __str__(self):
        return self.key


class LoanerTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(ticket__in=Ticket.objects.visible_to(user))


class LoanerTask(models.Model):
    """An equivalent unit to lend while a fault is not fixed in time (P5.5, P8.4, P13.2).

    Opened by an escalation; the parts app takes loaners over later.  Evidence (P13.9): never
    deleted; one opened in error is voided with a reason (status void; `closed_at`/`closed_by` say
    when and by whom) and stays visible as voided.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.CASCADE,
                               related_name="loaner_tasks")
    clock = models.ForeignKey(Clock, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=LoanerStatus.choices, default=LoanerStatus.OPEN)
    commitment = models.CharField(_("commitment"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=limits.SHORT_TEXT)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    void_reason = models.TextField(_("reason for voiding"), blank=True, max_length=limits.SHORT_TEXT)

    objects = LoanerTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("loaner task")
        verbose_name_plural = _("loaner tasks")
        ordering = ["-opened_at"]

    def __str__(self):
        return f"{self.ticket_id}: {self.get_status_display()}"


class PlanChoice(models.Model):
    """The plan version a ticket was recomputed onto by the manager (issue 8); without a row a
    ticket is measured by the version in effect when it was reported."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="plan_choice")
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan version of a request")
        verbose_name_plural = _("plan versions of requests")

    def __str__(self):
        return f"{self.ticket_id}: {self.plan_id}"


# What a plan can say beyond targets (issue 8): penalties, zone rules and clauses, each in its own module.
from .models_clauses import PlanClauses  # noqa: E402, F401
from .models_penalties import (  # noqa: E402, F401
    BreachExemption,
    Compensation,
    PenaltyBasis,
    PlanPenaltyCap,
    TargetPenalty,
)
from .models_zones import PlanZoneRule  # noqa: E402, F401
