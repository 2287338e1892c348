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
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import AuditedRecords


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

    history = AuditedRecords(part_of="plan")

    class Meta:
        verbose_name = _("plan clauses")
        verbose_name_plural = _("plan clauses")

    def __str__(self):
        return str(self.plan)


def clauses_of(plan) -> PlanClauses | None:
    """The plan's clauses, or None (no clause applies) — one query, or none when no plan."""
    if plan is None or plan.pk is None:
        return None
    return PlanClauses.objects.filter(plan_id=plan.pk).first()
