"""Admin for reference data: calendars (with their days), plans (with targets and escalation)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shouhou.core.admin import AuditedAdmin, LayerInline, ReadOnlyAdmin

from .models import (
    Clock,
    EscalationRule,
    FiredEscalation,
    LoanerTask,
    ServicePlan,
    Target,
    WorkingCalendar,
)
from .services import recompute_calendar_clocks
from .services.calendars import WARN_DAYS, expiring_calendars, touch_calendar


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(AuditedAdmin):
    """The calendar's own fields; its ~800 dated days are edited a year at a time on the calendar page
    (an inline of every day made this page take 7–19 s and 1.6 MB, issue 8)."""

    view_action, change_action, delete_action = "plan.view", "calendar.change", "calendar.change"

    list_display = ["code", "name", "time_zone", "statutory", "known_until", "is_default"]
    readonly_fields = ["days_link"]

    @admin.display(description=_("Holidays and make-up working days"))
    def days_link(self, obj):
        if not obj.pk:
            return _("A calendar marked as Chinese gets the statutory days when it is saved.")
        return format_html('<a href="{}">{}</a>', reverse("sla:calendar_detail", args=[obj.pk]),
                           _("%(n)s days — edit them on the calendar page, a year at a time") % {"n": obj.days.count()})

    def changelist_view(self, request, extra_context=None):
        for calendar, left in expiring_calendars(timezone.localdate()):
            self.message_user(request, _("Calendar “%(name)s” knows statutory holidays only until %(until)s "
                                         "(%(left)s days left; warned %(warn)s days ahead).")
                              % {"name": calendar.name, "until": calendar.known_until, "left": left, "warn": WARN_DAYS},
                              level="warning")
        return super().changelist_view(request, extra_context)

    def save_related(self, request, form, formsets, change):
        """Edited days change due times: rebuild the calendar value and recompute open clocks."""
        super().save_related(request, form, formsets, change)
        touch_calendar(form.instance)
        recompute_calendar_clocks(form.instance, reason=str(_("Calendar %(name)s edited in admin.")
                                                            % {"name": form.instance.name}), actor=request.user)


class TargetInline(LayerInline, admin.TabularInline):
    model = Target
    extra = 0


class EscalationInline(LayerInline, admin.TabularInline):
    model = EscalationRule
    extra = 0


@admin.register(ServicePlan)
class ServicePlanAdmin(AuditedAdmin):
    view_action, change_action, delete_action = "plan.view", "plan.manage", "plan.manage"
    list_display = ["name", "source", "is_template", "is_default", "contract"]
    list_filter = ["is_template", "source"]
    inlines = [TargetInline, EscalationInline]
    # Versions are made and published in the service manager's editor (sla.plan_views), not here.
    readonly_fields = ["status", "revision", "effective_from", "line"]


class EvidenceAdmin(ReadOnlyAdmin):
    """Clocks, fired escalations and loaner tasks are service evidence (P13.9): shown, never
    edited or deleted here (no delete button, no bulk delete action); void a loaner task with a
    reason from its ticket's page instead."""

    view_action = "ticket.view"


@admin.register(Clock)
class ClockAdmin(EvidenceAdmin):
    list_display = ["ticket", "name", "state", "started_at", "due_at", "stopped_at"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["ticket"]


@admin.register(FiredEscalation)
class FiredEscalationAdmin(EvidenceAdmin):
    list_display = ["key", "action", "scheduled_for", "fired_at"]


@admin.register(LoanerTask)
class LoanerTaskAdmin(EvidenceAdmin):
    list_display = ["ticket", "status", "commitment", "opened_at", "closed_at", "void_reason"]
    list_filter = ["status"]
    raw_id_fields = ["ticket", "clock"]


# What a plan can say (issue 8): penalties, caps, zone rules and clauses are plan data.  Compensation
# records and breach exemptions are evidence changed only by services: see the compensation
# statement page and the approvals pages, not the admin.
from .models import PlanClauses, PlanPenaltyCap, PlanZoneRule, TargetPenalty  # noqa: E402


class PlanDataAdmin(AuditedAdmin):
    """Seen with the plans, changed by whoever edits plans (the service manager)."""

    view_action, change_action, delete_action = "plan.view", "plan.edit", "plan.edit"


@admin.register(TargetPenalty)
class TargetPenaltyAdmin(PlanDataAdmin):
    list_display = ["target", "rate", "basis", "cap_per_ticket"]


@admin.register(PlanPenaltyCap)
class PlanPenaltyCapAdmin(PlanDataAdmin):
    list_display = ["plan", "monthly_cap", "monthly_cap_share", "monthly_fee"]


@admin.register(PlanZoneRule)
class PlanZoneRuleAdmin(PlanDataAdmin):
    """Zone rules: province / city / district → zone; all empty = the default zone."""

    list_display = ["plan", "province", "city", "district", "zone", "order"]
    list_filter = ["plan"]


@admin.register(PlanClauses)
class PlanClausesAdmin(PlanDataAdmin):
    list_display = ["plan", "unsigned_is_not_done", "leave_needs_consent", "loaner_until_resolved", "accept_is_contact"]
