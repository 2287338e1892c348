"""The only code that changes approval requests (style rule 4).

Every function takes the acting user first and runs in one transaction with what it causes: the
decision row (the audit record: who, when, what, why), the subject app's own update (through the
signals in approvals.signals) and the notifications in the outbox (notify.services.notify_users).

Concurrency: `decide` re-reads the request under ``SELECT … FOR UPDATE``, so of two approvers
deciding one step at once exactly one wins and the other is told the step is decided; the unique
step of ApprovalDecision makes that a database fact on SQLite too, where FOR UPDATE does nothing.
"""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import ConflictError, PermissionDeniedError, ServiceError

from .choices import OUTCOMES_NEEDING_REASON, STATE_AFTER, Outcome, RequestState
from .models import ApprovalDecision, ApprovalFlow, ApprovalRequest, RequestStep
from .signals import decision_recorded, request_finished, request_submitted

logger = logging.getLogger("shouhou.approvals")

MAX_REASON = 4000


def _require_person(user) -> None:
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDeniedError("not_permitted", _("Log in to take part in approvals."))


def pending_request(subject, kind: str | None = None) -> ApprovalRequest | None:
    """The subject's request still waiting for a decision (of `kind`, when given)."""
    qs = requests_for(subject).filter(state=RequestState.PENDING)
    return (qs.filter(flow__kind=kind) if kind else qs).first()


def requests_for(subject):
    """Every request ever made about `subject`, newest first."""
    return ApprovalRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False), object_id=subject.pk,
    ).select_related("flow", "requested_by")


@transaction.atomic
def submit_request(user, subject, kind: str, *, title: str = "", summary: str = "") -> ApprovalRequest:
    """Ask for approval of `subject` through the active flow of `kind`; the first step is notified.

    The subject's app decides who may ask (it calls this from its own service).  Raises ServiceError
    `no_flow` (no active flow with steps for the kind) and `already_pending` (the subject already has
    a pending request of this kind).
    """
    _require_person(user)
    flow = ApprovalFlow.objects.active().filter(kind=kind).prefetch_related("steps").first()
    steps = list(flow.steps.all()) if flow else []
    if not steps:
        raise ServiceError("no_flow", _("No approval flow is set up for this kind of request."))
    request = ApprovalRequest(flow=flow, subject=subject, requested_by=user, title=(title or str(subject))[:200],
                              summary=summary, current_position=steps[0].position)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise ServiceError("already_pending", _("This is already waiting for approval.")) from None
    RequestStep.objects.bulk_create([
        RequestStep(request=request, position=s.position, name=s.name, roles=s.roles, approver=s.approver)
        for s in steps
    ])
    request_submitted.send(sender=type(subject), request=request, subject=subject, actor=user)
    _notify_current_step(request)
    logger.info("approval request %s (%s) submitted by %s", request.pk, kind, user.pk)
    return request


def _lock(request: ApprovalRequest) -> ApprovalRequest:
    return ApprovalRequest.objects.select_for_update().select_related("flow", "requested_by").get(pk=request.pk)


@transaction.atomic
def decide_request(user, request: ApprovalRequest, outcome: str, reason: str = "",
                   position: int | None = None) -> ApprovalDecision:
    """Record `user`'s decision on the request's current step (`position`, when given, is the step the
    user saw: if the request moved on meanwhile, the decision is refused rather than applied to the next).

    Approve moves to the next step (notified) or, after the last, approves the request; reject and
    return end it at once and need a reason.  The subject's app hears of every decision and of the
    end (approvals.signals).  Raises ServiceError `bad_outcome`, `reason_required` (field "reason");
    ConflictError `already_decided` (the step or the request was decided meanwhile); PermissionDeniedError `own_request`, `decided_other_step`,
    `not_your_step`.
    """
    _require_person(user)
    if outcome not in Outcome.values:
        raise ServiceError("bad_outcome", _("Choose approve, reject or return for changes."), "outcome")
    reason = (reason or "").strip()
    if outcome in OUTCOMES_NEEDING_REASON and not reason:
        raise ServiceError("reason_required", _("Give the reason for this decision."), "reason")
    if len(reason) > MAX_REASON:
        raise ServiceError("reason_too_long", _("The reason may have at most %(n)s characters.") % {"n": MAX_REASON},
                           "reason")
    request = _lock(request)
    if position is not None and request.current_position != position:
        raise ConflictError("already_decided", _("This step has already been decided."))
    refusal = request.refusal_for(user)
    if refusal is not None:
        code, message = refusal
        if code == "not_pending":
            raise ConflictError("already_decided", message)
        raise PermissionDeniedError(code, message)
    step = request.current_step
    try:
        with transaction.atomic():
            decision = ApprovalDecision.objects.create(request=request, step=step, outcome=outcome, reason=reason,
                                                       decided_by=user)
    except IntegrityError:  # SQLite, or a decision that slipped past the lock: the step is taken
        raise ConflictError("already_decided", _("This step has already been decided.")) from None
    subject = request.subject
    decision_recorded.send(sender=type(subject), request=request, subject=subject, decision=decision, actor=user)
    later = [s.position for s in request.steps.all() if s.position > step.position]
    if outcome == Outcome.APPROVE and later:
        _advance(request, min(later))
    else:
        _finish(request, user, STATE_AFTER.get(outcome, RequestState.APPROVED), subject)
    logger.info("approval request %s step %s: %s by %s", request.pk, step.position, outcome, user.pk)
    return decision


def _advance(request: ApprovalRequest, position: int) -> None:
    ApprovalRequest.objects.filter(pk=request.pk).update(current_position=position)
    request.current_position = position
    _notify_current_step(request)


def _finish(request: ApprovalRequest, user, state: str, subject) -> None:
    now = timezone.now()
    ApprovalRequest.objects.filter(pk=request.pk).update(state=state, current_position=None, finished_at=now)
    request.state, request.current_position, request.finished_at = state, None, now
    request_finished.send(sender=type(subject), request=request, subject=subject, actor=user)
    if request.requested_by_id != user.pk:
        _notify_requester(request)


@transaction.atomic
def withdraw_request(user, request: ApprovalRequest, reason: str = "") -> ApprovalRequest:
    """The requester takes back a pending request; the subject's app is told (request_finished).

    Raises PermissionDeniedError `not_requester`, ServiceError `not_pending`.
    """
    _require_person(user)
    request = _lock(request)
    if request.requested_by_id != user.pk:
        raise PermissionDeniedError("not_requester", _("Only the requester may withdraw a request."))
    if not request.is_pending:
        raise ServiceError("not_pending", _("This request is no longer waiting for a decision."))
    if reason:
        request.summary = f"{request.summary}\n{reason}".strip()
        ApprovalRequest.objects.filter(pk=request.pk).update(summary=request.summary)
    _finish(request, user, RequestState.WITHDRAWN, request.subject)
    return request


# ---------------------------------------------------------------------------------- notifications

def current_approvers(request: ApprovalRequest):
    """The active people who may decide the request's current step now (separation of duties applied)."""
    from shouhou.accounts.models import User

    step = request.current_step
    if step is None:
        return User.objects.none()
    who = Q(pk=step.approver_id) if step.approver_id else Q(role__in=step.role_list)
    decided = request.decisions.values("decided_by_id")
    return (User.objects.filter(who, is_active=True).exclude(pk=request.requested_by_id)
            .exclude(pk__in=decided).order_by("pk"))


def _notify_current_step(request: ApprovalRequest) -> None:
    from shouhou.notify.services import notify_users

    step = request.current_step
    subject = _("Approval needed: %(flow)s “%(title)s”") % {"flow": request.flow.label, "title": request.title}
    body = _("%(requester)s asks for your approval (%(step)s) of %(flow)s “%(title)s”.\n%(summary)s") % {
        "requester": request.requested_by.display_name, "step": step.label, "flow": request.flow.label,
        "title": request.title, "summary": request.summary,
    }
    notify_users(current_approvers(request), subject=subject, body=body.strip(),
                 dedupe_key=f"approval:{request.pk}:step:{step.position}",
                 payload={"approval_request": request.pk, "step": step.position})


def _notify_requester(request: ApprovalRequest) -> None:
    from shouhou.notify.services import notify_user

    subject = _("%(flow)s “%(title)s”: %(state)s") % {
        "flow": request.flow.label, "title": request.title, "state": request.get_state_display()}
    notify_user(request.requested_by, subject=subject, body=subject, dedupe_key=f"approval:{request.pk}:finished",
                payload={"approval_request": request.pk, "state": request.state})
