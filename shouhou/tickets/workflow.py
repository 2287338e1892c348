"""The service-request state machine, declared once as data (style rule 6).

UI buttons, API validation and the docs are all derived from TRANSITIONS.  This module has no
Django model import so it can be read, tested and rendered on its own.

Actors: "desk", "assignee", "customer", "system".  Who is which actor for a given request is the
permission layer's answer (accounts.permissions, via tickets.services.actor_kinds): "desk" whoever
has "ticket.desk_actions" on it (today the service desk, dispatchers, admins), "assignee" whoever
has "ticket.field_actions" (its engineer, staff of its dealer), "customer" whoever has
"ticket.customer_actions" (users of its customer), "system" whoever has "ticket.system_actions"
(only the system actor: the moves an escalation rule makes, never a person's button).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import SIDE_STATES, WAITING_STATES, WORK_STATES, Status

S = Status


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: frozenset
    target: str | None  # None: back to the state the ticket was paused/escalated from
    actors: frozenset
    requires: tuple[str, ...] = ()
    style: str = "secondary"


def _t(action, label, sources, target, actors, requires=(), style="secondary"):
    return Transition(action, label, frozenset(sources), target, frozenset(actors), tuple(requires), style)


ACTIVE = WORK_STATES | {S.NEW}
# Where an escalation rule may take a request from its engineer (issue 3, "reassign"): not while
# the engineer is travelling or on site.
REASSIGNABLE = frozenset({S.ACCEPTED, S.ASSIGNED, S.APPOINTMENT_BOOKED, S.REOPENED})

TRANSITIONS: tuple[Transition, ...] = (
    _t("accept", _("Accept"), {S.NEW}, S.ACCEPTED, {"desk"}, style="primary"),
    _t(
        "assign", _("Assign"),
        {S.NEW, S.ACCEPTED, S.ASSIGNED, S.APPOINTMENT_BOOKED, S.ESCALATED, S.REOPENED},
        S.ASSIGNED, {"desk"}, requires=("assignee|dealer",), style="primary",
    ),
    _t("book_appointment", _("Book appointment"), {S.ASSIGNED, S.APPOINTMENT_BOOKED}, S.APPOINTMENT_BOOKED,
       {"assignee", "desk"}, requires=("appointment_at",)),
    _t("start_travel", _("Set off"), {S.ASSIGNED, S.APPOINTMENT_BOOKED}, S.EN_ROUTE, {"assignee"}),
    _t("arrive", _("Arrive on site"), {S.ASSIGNED, S.APPOINTMENT_BOOKED, S.EN_ROUTE}, S.ON_SITE, {"assignee"},
       style="primary"),
    _t(
        "resolve", _("Resolve"),
        {S.ACCEPTED, S.ASSIGNED, S.APPOINTMENT_BOOKED, S.ON_SITE, S.REOPENED},
        S.RESOLVED, {"assignee", "desk"}, requires=("resolution",), style="primary",
    ),
    _t("confirm", _("Customer confirms"), {S.RESOLVED}, S.CUSTOMER_CONFIRMED, {"customer", "desk"}, style="primary"),
    _t("close", _("Close"), {S.CUSTOMER_CONFIRMED}, S.CLOSED, {"desk"}, style="primary"),
    _t("wait_customer", _("Wait for customer"), ACTIVE - {S.NEW}, S.PENDING_CUSTOMER, {"desk", "assignee"},
       requires=("reason",)),
    _t("wait_parts", _("Wait for parts"), ACTIVE - {S.NEW}, S.PENDING_PARTS, {"desk", "assignee"},
       requires=("reason",)),
    _t("wait_third_party", _("Wait for a third party"), ACTIVE - {S.NEW}, S.PENDING_THIRD_PARTY, {"desk", "assignee"},
       requires=("reason",)),
    _t("escalate", _("Escalate"), ACTIVE | WAITING_STATES, S.ESCALATED, {"desk"}, requires=("reason",),
       style="warning"),
    _t("resume", _("Resume"), SIDE_STATES, None, {"desk", "assignee", "customer"}),
    _t("reopen", _("Reopen"), {S.RESOLVED, S.CUSTOMER_CONFIRMED, S.CLOSED}, S.REOPENED, {"desk", "customer"},
       requires=("reason",), style="warning"),
    _t("cancel", _("Cancel"), ACTIVE | SIDE_STATES, S.CANCELLED, {"desk", "customer"},
       requires=("reason",), style="danger"),
    # An escalation rule's reassignment (the system actor only): the named engineer takes over, or
    # with nobody named the request goes back to the dispatch queue.
    _t("reassign", _("Reassign (escalation rule)"), REASSIGNABLE, S.ASSIGNED, {"system"}),
    _t("return_to_queue", _("Return to the dispatch queue (escalation rule)"), REASSIGNABLE, S.ACCEPTED,
       {"system"}),
)

BY_ACTION = {t.action: t for t in TRANSITIONS}


def transition_for(action: str) -> Transition | None:
    return BY_ACTION.get(action)


def available(status: str, actors: set[str] | frozenset[str]) -> list[Transition]:
    """The transitions a person acting as `actors` may take from `status`, in declared order."""
    return [t for t in TRANSITIONS if status in t.sources and t.actors & set(actors)]


def target_of(transition: Transition, status: str, resume_status: str | None) -> str:
    """Where the transition leads; "resume" goes back to the state remembered at pause time."""
    if transition.target is not None:
        return transition.target
    return resume_status or S.ACCEPTED
