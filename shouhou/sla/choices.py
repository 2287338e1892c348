"""Vocabulary of service-plan clocks: one choices class per field (style rule 8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """A dated exception of a working calendar (issue 8: the three day types are kept apart).

    HOLIDAY: a statutory holiday (法定节假日); REST: a swapped rest day (调休休息日), any other day
    off inside a holiday period; MAKEUP: a make-up working day (调休上班日).  The working-time core
    treats HOLIDAY and REST as non-working (unless the row gives hours); plans and surcharges
    may treat them differently.
    """

    HOLIDAY = "holiday", _("Statutory holiday")
    REST = "rest", _("Swapped rest day")
    MAKEUP = "makeup", _("Make-up working day")


NON_WORKING_DAY_KINDS = (DayKind.HOLIDAY, DayKind.REST)


class PlanStatus(models.TextChoices):
    """A plan version's life (issue 8): drafts are edited and back-tested, then published."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class TargetKind(models.TextChoices):
    """What a target promises (issue 3, "Targets as data")."""

    CALLBACK = "callback", _("Call back / first contact")
    RESPONSE = "response", _("Response")
    DISPATCH = "dispatch", _("Arrangement / dispatch")
    ARRIVAL = "arrival", _("Arrival on site")
    SOLUTION = "solution", _("Solution plan")
    RESOLUTION = "resolution", _("Resolution")
    LOANER = "loaner", _("Loaner provided")
    REPORT = "report", _("Report due")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Unit(models.TextChoices):
    """Units a target's duration is measured in; names match shouhou.sla.worktime.UNITS."""

    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_MINUTES = "working_minutes", _("working minutes")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")
    # Half of the calendar's working day length of working time (units.py): "arrive within half a working day".
    WORKING_HALF_DAYS = "working_half_days", _("half working days")


class ClockEvent(models.TextChoices):
    """Events that start and stop clocks; derived from the ticket timeline (see evaluate.py)."""

    RECEIVED = "received", _("Request received")
    CONTACTED = "contacted", _("Customer contacted / responded")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    ARRIVED = "arrived", _("Arrived on site")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    LOANER_PROVIDED = "loaner_provided", _("Loaner provided")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Customer confirmed")
    CLOSED = "closed", _("Closed")
    INSPECTION_DONE = "inspection_done", _("Inspection done")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    FOLLOWED_UP = "followed_up", _("Followed up")
    # Named events of issue 8 (docs/guide-service-plans.md, "Events"): a clock may start or stop at them.
    # ARRANGED: the job is arranged — a visit time booked, or recorded by hand ("the dealer arranged it
    # by phone"); not the assignment itself, which is the forwarding that P6.3's clock starts from.
    ARRANGED = "arranged", _("Arranged")
    APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
    PARTS_ORDERED = "parts_ordered", _("Parts ordered")
    PARTS_ON_SITE = "parts_on_site", _("Parts on site")


# Events a person records by hand — milestones — on the clocks panel, the engineer's phone and
# POST /api/v1/tickets/{id}/milestones/ (the others come from the workflow).
MANUAL_EVENTS = (
    ClockEvent.CONTACTED,
    ClockEvent.SOLUTION_PROPOSED,
    ClockEvent.ARRANGED,
    ClockEvent.PARTS_ORDERED,
    ClockEvent.PARTS_ON_SITE,
    ClockEvent.LOANER_PROVIDED,
    ClockEvent.INSPECTION_DONE,
    ClockEvent.REPORT_SUBMITTED,
    ClockEvent.FOLLOWED_UP,
)

MILESTONE_CHOICES = [(e.value, e.label) for e in MANUAL_EVENTS]

# The milestones the engineer's job card (我的工单) offers as buttons, in the order work goes.
PHONE_MILESTONES = (
    ClockEvent.CONTACTED,
    ClockEvent.SOLUTION_PROPOSED,
    ClockEvent.PARTS_ORDERED,
    ClockEvent.PARTS_ON_SITE,
    ClockEvent.FOLLOWED_UP,
)


class WarrantyScope(models.TextChoices):
    ANY = "any", _("Any")
    IN = "in", _("In warranty")
    OUT = "out", _("Out of warranty")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_CLOCK_STATES = frozenset({ClockState.RUNNING, ClockState.PAUSED})


class Trigger(models.TextChoices):
    SHARE = "share", _("Share of the target elapsed")
    OFFSET = "offset", _("Offset from the due time")


class Action(models.TextChoices):
    """What an escalation does (P6.3, P5.5, P13.2)."""

    NOTIFY_ASSIGNEE = "notify_assignee", _("Notify the assignee")
    NOTIFY_DISPATCHER = "notify_dispatcher", _("Notify the dispatchers")
    NOTIFY_MANAGER = "notify_manager", _("Notify the service manager")
    NOTIFY_LEADERSHIP = "notify_leadership", _("Notify leadership")
    REASSIGN = "reassign", _("Reassign")
    OPEN_LOANER = "open_loaner", _("Open a loaner task")


class LoanerStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Loaner provided")
    CANCELLED = "cancelled", _("Not needed")
    # Opened in error: kept as evidence and shown as voided, with who, when and why (P13.9).
    VOID = "void", _("Voided")
