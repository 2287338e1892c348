"""Vocabulary of service requests: one choices class per field, with named groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    WALK_IN = "walk_in", _("Walk-in")
    PORTAL = "portal", _("Customer portal")
    API = "api", _("API")


class Severity(models.IntegerChoices):
    """P5.1 fault levels."""

    MAJOR = 1, _("Level 1 – major")
    MAIN = 2, _("Level 2 – main")
    MINOR = 3, _("Level 3 – minor")


# Shown to whoever chooses a severity (P5.1).
SEVERITY_HELP = {
    Severity.MAJOR: _(
        "System outage or service interruption over 10 minutes, or loss of key data; the business cannot run."
    ),
    Severity.MAIN: _("A main function fails or performance drops seriously; the business runs with difficulty."),
    Severity.MINOR: _("A minor fault or a question; the business is not affected."),
}


class SupportMode(models.TextChoices):
    """P5.8: how the request is served."""

    PHONE = "phone", _("Phone support")
    REMOTE = "remote", _("Remote support")
    ON_SITE = "on_site", _("On site")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    RESOLVED = "resolved", _("Resolved")
    CUSTOMER_CONFIRMED = "customer_confirmed", _("Customer confirmed")
    CLOSED = "closed", _("Closed")
    PENDING_CUSTOMER = "pending_customer", _("Pending customer")
    PENDING_PARTS = "pending_parts", _("Waiting for parts")
    PENDING_THIRD_PARTY = "pending_third_party", _("Waiting for a third party")
    ESCALATED = "escalated", _("Escalated")
    CANCELLED = "cancelled", _("Cancelled")
    REOPENED = "reopened", _("Reopened")


TERMINAL_STATES = frozenset({Status.CLOSED, Status.CANCELLED})
# Side states that remember the work state to resume to; a plan decides which of them pause clocks.
WAITING_STATES = frozenset({Status.PENDING_CUSTOMER, Status.PENDING_PARTS, Status.PENDING_THIRD_PARTY})
SIDE_STATES = WAITING_STATES | {Status.ESCALATED}
OPEN_STATES = frozenset(set(Status) - TERMINAL_STATES - {Status.RESOLVED, Status.CUSTOMER_CONFIRMED})
# States in which work is under way; a pause or escalation remembers which one to return to.
WORK_STATES = frozenset(
    {Status.ACCEPTED, Status.ASSIGNED, Status.APPOINTMENT_BOOKED, Status.EN_ROUTE, Status.ON_SITE, Status.REOPENED}
)


class EventKind(models.TextChoices):
    """Every kind of timeline entry (style rule 8): one enum for the whole product."""

    CREATED = "created", _("Reported")
    TRANSITION = "transition", _("Status changed")
    FIELDS_CHANGED = "fields_changed", _("Details changed")
    NOTE = "note", _("Internal note")
    REPLY = "reply", _("Reply to customer")
    ATTACHMENT = "attachment", _("Attachment added")
    ASSIGNED = "assigned", _("Assigned")
    APPOINTMENT = "appointment", _("Appointment booked")
    VISIT_STARTED = "visit_started", _("Engineer en route")
    VISIT_ARRIVED = "visit_arrived", _("Engineer arrived")
    VISIT_LEFT = "visit_left", _("Engineer left")
    VISIT_SIGNED = "visit_signed", _("Visit record signed")
    VISIT_AMENDED = "visit_amended", _("Visit record amended")
    FAULT_REPORT = "fault_report", _("Fault analysis report")
    VERIFIED = "verified", _("Report verified")
    CLOCKS = "clocks", _("Service clocks recomputed")
    ESCALATION = "escalation", _("Escalation")
    # A clock event recorded by hand (called back, solution proposed, loaner provided …, issue 3).
    MILESTONE = "milestone", _("Milestone recorded")
    # A piece of evidence (e.g. a loaner task) voided with a reason; the record itself stays (P13.9).
    VOIDED = "voided", _("Record voided")
    APPROVAL = "approval", _("Approval")
    # "A fix counts only if it stays fixed" (issue 8): the new report names the earlier request,
    # and the earlier request records that its fix did not hold (its resolution target not kept).
    REPEAT_REPORTED = "repeat_reported", _("Repeat of an earlier fix")
    FIX_NOT_HELD = "fix_not_held", _("Fix did not hold")
    # The desk judged a linked report a different fault: the earlier fix counts as kept again.
    REPEAT_UNLINKED = "repeat_unlinked", _("Not a repeat")
