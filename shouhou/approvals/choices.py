"""Vocabulary of approvals: kinds of request, request states, decision outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    """The kinds of request seeded with a flow (migration 0002).  A flow's `kind` is data: later apps
    may add flows of other kinds in the admin; these are the ones whose label is translated."""

    OVERRIDE = "override", _("Override")
    QUOTE = "quote", _("Quote")
    DISCOUNT = "discount", _("Discount")
    CLAIM = "claim", _("Warranty claim")
    STATEMENT = "statement", _("Settlement statement")
    BREACH_EXEMPTION = "breach_exemption", _("Breach exemption")
    REPAIR_TASK_FORM = "repair_task_form", _("Repair task form")


class RequestState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("approval state", "Pending")
    APPROVED = "approved", pgettext_lazy("approval state", "Approved")
    REJECTED = "rejected", pgettext_lazy("approval state", "Rejected")
    RETURNED = "returned", pgettext_lazy("approval state", "Returned for changes")
    WITHDRAWN = "withdrawn", pgettext_lazy("approval state", "Withdrawn")


# A request in one of these states is finished: no decision can be added to it any more.
FINISHED_STATES = frozenset({RequestState.APPROVED, RequestState.REJECTED, RequestState.RETURNED,
                             RequestState.WITHDRAWN})


class Outcome(models.TextChoices):
    """What an approver decides on one step."""

    APPROVE = "approve", pgettext_lazy("approval decision", "Approve")
    REJECT = "reject", pgettext_lazy("approval decision", "Reject")
    RETURN = "return", pgettext_lazy("approval decision", "Return for changes")


# Outcomes that end the request at once and must say why.
OUTCOMES_NEEDING_REASON = frozenset({Outcome.REJECT, Outcome.RETURN})
# The request's state after a decision that ends it.
STATE_AFTER = {Outcome.REJECT: RequestState.REJECTED, Outcome.RETURN: RequestState.RETURNED}
