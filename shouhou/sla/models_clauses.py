"""Clauses of a plan that are neither targets nor money (issue 8, "What a plan can say"); imported
by sla/models.py.

* `unsigned_is_not_done` — "an unsigned service record counts as not done": the request cannot be
  closed while a visit record is unsigned, and targets that stop at resolution stop only when the
  work is also signed off (every visit signed; without a visit, the customer's confirmation).
* `leave_needs_consent` — "the engineer does not leave until it is fixed unless the customer
  agrees": leaving an unresolved job records who of the customer agreed, or is refused.
* `loaner_until_resolved` — "a loaner until fixed": open loaner tasks close themselves when the
  request is resolved.
* `accept_is_contact` — the desk's Accept counts as "customer contacted" (stops a "call back within
  15 minutes" clock).  Off (the default for new plans): only a recorded "contacted" milestone (the
  engineer's phone, the clocks panel, the API) or a reply to the customer stops it.  Plans that
  existed before the clause were set on by migration 0011, so they keep measuring as before.
* `recurrence_days` — "a fix counts only if it stays fixed": the same fault on the same unit
  reported within N days of a resolution makes the new request a repeat of the earlier one and the
  earlier resolution target not kept (sla/services/recurrence.py).  The request has no fault
  category, so "the same fault" is any new report on the same unit (asset).
* `appointment_window` (+ days, hours, skip holidays) — "a maintenance contract's hours (Mon–Fri
  08:30–17:00, no holidays)": booking an appointment outside them is refused or accepted with a
  warning (sla/appointment_window.py, dispatch.services.book_appointment).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import AuditedRecords

from .worktime import parse_day_pattern

WEEKDAYS = ((1, _("Monday")), (2, _("Tuesday")), (3, _("Wednesday")), (4, _("Thursday")), (5, _("Friday")),
            (6, _("Saturday")), (7, _("Sunday")))


class WindowMode(models.TextChoices):
    """What booking an appointment outside the plan's working window does (issue 8)."""

    OFF = "", _("No working window")
    WARN = "warn", _("Accept with a warning")
    REFUSE = "refuse", _("Refuse")


def validate_window_hours(value):
    try:
        parse_day_pattern(value or None)
    except ValueError as exc:
        raise ValidationError(_("Invalid working hours “%(value)s”: use HH:MM-HH:MM, comma separated."),
                              params={"value": value}) from exc


def validate_weekdays(value):
    if not isinstance(value, list) or any(not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7
                                          for d in value):
        raise ValidationError(_("Weekdays are numbers 1 (Monday) to 7 (Sunday)."))


class PlanClauses(models.Model):
    plan = models.OneToOneField("sla.ServicePlan", verbose_name=_("plan"), on_delete=models.CASCADE,
                                related_name="clauses")
    unsigned_is_not_done = models.BooleanField(
        _("an unsigned service record counts as not done"), default=False,
        help_text=_("The request cannot be closed, and the repair target is not met, without the customer's "
                    "signature (or, without a visit, the customer's confirmation)."))
    leave_needs_consent = models.BooleanField(
        _("the engineer stays until it is fixed unless the customer agrees"), default=False,
        help_text=_("Leaving a job that is not resolved requires the name of the customer's representative "
                    "who agreed."))
    loaner_until_resolved = models.BooleanField(
        _("a loaner until fixed"), default=False,
        help_text=_("Open loaner tasks close themselves when the request is resolved."))
    accept_is_contact = models.BooleanField(
        _("the desk's Accept counts as contacting the customer"), default=False,
        help_text=_("Off: only a recorded “customer contacted” milestone (or a reply to the customer) stops a "
                    "call-back clock."))
    recurrence_days = models.PositiveSmallIntegerField(
        _("recurrence window (days)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A fix counts only if it stays fixed: a new report on the same unit within this many days of "
                    "the resolution is a repeat, and the earlier resolution target counts as not kept. "
                    "Empty: off."))
    appointment_window = models.CharField(
        _("appointments outside the working window"), max_length=8, choices=WindowMode.choices, blank=True,
        default=WindowMode.OFF)
    appointment_days = models.JSONField(_("working window: weekdays"), default=list, blank=True,
                                        validators=[validate_weekdays],
                                        help_text=_("1 = Monday … 7 = Sunday."))
    appointment_hours = models.CharField(_("working window: hours"), max_length=200, blank=True,
                                         validators=[validate_window_hours],
                                         help_text=_("E.g. 08:30-17:00; several ranges comma separated. An "
                                                     "appointment at the end time is outside."))
    appointment_skip_holidays = models.BooleanField(
        _("working window: not on holidays"), default=True,
        help_text=_("Statutory holidays and swapped rest days of the plan's calendar are outside the window; "
                    "make-up working days are inside it."))

    history = AuditedRecords(part_of="plan")

    class Meta:
        verbose_name = _("plan clauses")
        verbose_name_plural = _("plan clauses")

    def __str__(self):
        return str(self.plan)

    def clean(self):
        if self.appointment_window and not (self.appointment_days and (self.appointment_hours or "").strip()):
            raise ValidationError({"appointment_hours": _("A working window needs its weekdays and its hours.")})


def clauses_of(plan) -> PlanClauses | None:
    """The plan's clauses, or None (no clause applies) — one query, or none when no plan.  A variant
    that states no clauses of its own takes its base plan's (issue 8: a variant overrides only what
    it names)."""
    if plan is None or plan.pk is None:
        return None
    own = PlanClauses.objects.filter(plan_id=plan.pk).first()
    if own is None and getattr(plan, "base_id", None):
        return clauses_of(plan.base)
    return own
