"""One approval flow for every app (issue 6, "One approval flow"; P13.8).

A flow (`ApprovalFlow`) is data, one per kind of request: ordered steps, each naming the role(s)
that may decide it and optionally one named person.  A request (`ApprovalRequest`) is attached to
any subject through a generic foreign key and copies the flow's steps when it is submitted, so a
later edit of the flow in the admin never changes who decides a request already under way.
Each step gets at most one `ApprovalDecision`; decisions are append-only: a rejected or returned
request stays as it was decided, and the subject's app submits a new request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import permissions
from shouhou.accounts.choices import Role
from shouhou.core import limits
from shouhou.core.audit import AuditedRecords

from .choices import Kind, Outcome, RequestState


def split_roles(value: str) -> list[str]:
    return [role for role in (value or "").split(",") if role]


def join_roles(roles) -> str:
    """Roles are stored as "dispatcher,leadership" (portable: JSON `contains` does not work on SQLite)."""
    return ",".join(dict.fromkeys(str(role) for role in roles if role))


def role_q(role: str, field: str = "roles") -> Q:
    """Rows whose comma-separated `field` lists `role`."""
    return (Q(**{field: role}) | Q(**{f"{field}__startswith": f"{role},"})
            | Q(**{f"{field}__endswith": f",{role}"}) | Q(**{f"{field}__contains": f",{role},"}))


def validate_roles(value: str) -> None:
    unknown = [role for role in split_roles(value) if role not in Role.values]
    if unknown:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": ", ".join(unknown)}, code="bad_role")


class StepRules(models.Model):
    """Who decides a step: anyone holding one of `roles`, or — when `approver` is set — that person only."""

    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("Optional. Without a name the step is called after its roles."))
    roles = models.CharField(_("approver roles"), max_length=200, blank=True, validators=[validate_roles])
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("named approver"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text=_("Optional. When set, only this person decides the step."))

    class Meta:
        abstract = True

    @property
    def role_list(self) -> list[str]:
        return split_roles(self.roles)

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        labels = [str(Role(role).label) for role in self.role_list if role in Role.values]
        return "、".join(labels) or str(_("Step %(n)s") % {"n": self.position})

    def clean(self):
        if not self.role_list and self.approver_id is None:
            raise ValidationError(_("Name at least one approver role or a named approver."), code="no_approver")

    def may_decide(self, user) -> bool:
        """The step's own rule; separation of duties across steps is ApprovalRequest's business."""
        if not (user and user.is_authenticated and user.is_active):
            return False
        if self.approver_id is not None:
            return self.approver_id == user.pk
        return user.role in self.role_list


class ApprovalFlowQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The scope of "approvalflow.view": our own people see every flow (reference data)."""
        return permissions.scope_filter(user, "approvalflow.view", self)

    def active(self):
        return self.filter(active=True)


class ApprovalFlow(models.Model):
    """How requests of one kind are approved: its ordered steps (editable in the admin).

    Audited (core.audit): every edit of the flow or of one of its steps is a history row with
    who, when, before → after and why, shown in the admin and at /api/v1/approval-flows/{id}/history/.
    """

    kind = models.SlugField(_("kind"), max_length=50, unique=True,
                            help_text=_("The key the requesting app uses, e.g. repair_task_form."))
    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("Optional. Without a name the flow is called after its kind."))
    description = models.TextField(_("description"), blank=True, max_length=limits.TEXT)
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Requests can be submitted only through an active flow."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApprovalFlowQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")
        ordering = ["kind"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind


class ApprovalStep(StepRules):
    """One step of a flow, decided in `position` order."""

    flow = models.ForeignKey(ApprovalFlow, verbose_name=_("approval flow"), on_delete=models.CASCADE,
                             related_name="steps")

    # A step's edits show in its flow's history, its roles by name.
    history = AuditedRecords(part_of="flow", labels={"roles": Role.choices})

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["flow", "position"]
        constraints = [models.UniqueConstraint(fields=["flow", "position"], name="approvals_step_position")]

    def __str__(self):
        return f"{self.flow_id}#{self.position} {self.label}"


class ApprovalRequestQuerySet(models.QuerySet):
    supported_scopes = frozenset({permissions.OWN, permissions.ALL})

    def scope_q(self, user, scope: str) -> Q:
        """Scope "all": every request (administrators); "own": the requests `user` is involved in —
        its requester, whoever decided one of its steps, and whoever may decide one of them (by role
        or by name)."""
        if scope == permissions.ALL:
            return Q()
        if scope != permissions.OWN:
            return Q(pk__in=[])
        involved = (Q(requested_by=user) | Q(steps__approver=user) | Q(decisions__decided_by=user)
                    | (Q(steps__approver__isnull=True) & role_q(user.role, "steps__roles")))
        return Q(pk__in=self.model.objects.filter(involved).values("pk"))

    def visible_to(self, user):
        """The one scoping rule for requests (style rule 11): the scope of "approval.view" in the
        permission layer.  Customers and dealers are never approvers and see none."""
        return permissions.scope_filter(user, "approval.view", self)

    def waiting_for(self, user):
        """Pending requests whose current step `user` may decide now, separation of duties applied."""
        if not permissions.may(user, "approval.view"):
            return self.none()
        mine = Q(approver=user) | (Q(approver__isnull=True) & role_q(user.role))
        steps = RequestStep.objects.filter(mine, position=F("request__current_position"))
        return (self.filter(state=RequestState.PENDING, pk__in=steps.values("request_id"))
                .exclude(requested_by=user).exclude(decisions__decided_by=user))


class ApprovalRequest(models.Model):
    """One request for approval of one subject (a repair task form, a quote, a claim …).

    `current_position` is the step being decided while the request is pending, None once it is
    finished.  State moves only through approvals.services.  At most one pending request per
    subject and flow (a database constraint).
    """

    flow = models.ForeignKey(ApprovalFlow, verbose_name=_("approval flow"), on_delete=models.PROTECT,
                             related_name="requests")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=limits.TEXT)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="approval_requests")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=16, choices=RequestState.choices, default=RequestState.PENDING)
    current_position = models.PositiveSmallIntegerField(_("current step"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ApprovalRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="approvals_request_subject"),
            models.Index(fields=["state", "-requested_at"], name="approvals_request_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["flow", "content_type", "object_id"], name="approvals_one_pending",
                                    condition=Q(state="pending")),
        ]

    def __str__(self):
        return f"{self.flow.label}: {self.title}"

    @property
    def kind(self) -> str:
        return self.flow.kind

    @property
    def is_pending(self) -> bool:
        return self.state == RequestState.PENDING

    @property
    def current_step(self) -> RequestStep | None:
        if self.current_position is None:
            return None
        return next((s for s in self.steps.all() if s.position == self.current_position), None)

    def refusal_for(self, user) -> tuple[str, str] | None:
        """Why `user` may not decide the current step now, as (code, message); None when they may.

        Separation of duties (issue 6): the requester never approves his own request; one person
        never decides two steps of one request; only the step's role (or named person) decides it.
        """
        step = self.current_step if self.is_pending else None
        if step is None:
            return "not_pending", _("This request is no longer waiting for a decision.")
        if user.pk == self.requested_by_id:
            return "own_request", _("You cannot decide on your own request.")
        if any(d.decided_by_id == user.pk for d in self.decisions.all()):
            return "decided_other_step", _("You already decided another step of this request.")
        if not step.may_decide(user):
            return "not_your_step", _("This step is decided by: %(who)s.") % {"who": step.approver_label}
        return None

    def can_decide(self, user) -> bool:
        return self.refusal_for(user) is None


class RequestStep(StepRules):
    """A step of one request, copied from its flow when the request was submitted."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")

    class Meta:
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        ordering = ["request", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "position"], name="approvals_request_position")]

    def __str__(self):
        return f"{self.request_id}#{self.position} {self.label}"

    @property
    def decided(self) -> ApprovalDecision | None:
        """The step's decision, or None while it waits (the reverse one-to-one raises otherwise)."""
        return getattr(self, "decision", None)

    @property
    def approver_label(self) -> str:
        if self.approver_id is not None:
            return self.approver.display_name
        return "、".join(str(Role(role).label) for role in self.role_list if role in Role.values)


class ApprovalDecision(models.Model):
    """One person's decision on one step, with the reason; never changed once written.

    The unique step makes "exactly one decision per step" a database fact, and the unique
    (request, decided_by) pair "one person decides at most one step of a request".
    """

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="decisions")
    step = models.OneToOneField(RequestStep, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        ordering = ["decided_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "decided_by"], name="approvals_one_step_each")]

    def __str__(self):
        return f"{self.request_id}#{self.step_id} {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A decision is never changed once made."), code="decision_immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A decision is never changed once made."), code="decision_immutable")
