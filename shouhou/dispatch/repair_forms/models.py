"""The repair task form (维修任务书) of P13.8."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import permissions
from shouhou.core.models import VersionedModel
from shouhou.tickets.models import Ticket, jobs_q

from .choices import RepairFormStatus


class RepairTaskFormQuerySet(models.QuerySet):
    supported_scopes = frozenset(permissions.SCOPES)

    def scope_q(self, user, scope: str) -> Q:
        """Forms on the requests the scope reaches (tickets.models.jobs_q), and those whose repair
        `user` leads as project manager."""
        if scope == permissions.ALL:
            return Q()
        return Q(ticket__in=Ticket.objects.filter(jobs_q(user, scope)).values("pk")) | Q(project_manager=user)

    def visible_to(self, user):
        """Our own staff only (the form carries costs): the scope of "repair_form.view" — the forms on
        the requests they see, and those whose repair they lead.  Dealers and customers never see it."""
        return permissions.scope_filter(user, "repair_form.view", self)


class RepairTaskForm(VersionedModel):
    """The approved plan for a repair (P13.8): what was found with the owner, the main cause, the
    work and measures, parts, a cost estimate, the planned dates, and the project manager who leads
    it ("the original project manager leads repairs").  Reviewed by the department head, approved by
    the unit leader through the approvals app; immutable once approved; kept 5 years (P13.9).
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.PROTECT,
                               related_name="repair_forms")
    findings = models.TextField(_("defect found"), max_length=4000,
                                help_text=_("What was confirmed with the owner, on site or by phone."))
    cause = models.TextField(_("main cause"), max_length=4000)
    scope = models.TextField(_("scope of work and measures"), max_length=4000)
    parts = models.TextField(_("parts and materials"), max_length=4000, blank=True)
    cost_estimate = models.DecimalField(_("cost estimate (CNY)"), max_digits=12, decimal_places=2,
                                        validators=[MinValueValidator(0)])
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned completion"))
    project_manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("project manager"),
                                        on_delete=models.PROTECT, related_name="led_repair_forms")
    status = models.CharField(_("status"), max_length=16, choices=RepairFormStatus.choices,
                              default=RepairFormStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                                   related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = RepairTaskFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("repair task form")
        verbose_name_plural = _("repair task forms")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.number} {self.ticket.number}" if self.pk else str(_("repair task form"))

    @property
    def number(self) -> str:
        return f"WX{self.pk:06d}" if self.pk else ""

    @property
    def is_editable(self) -> bool:
        return self.status == RepairFormStatus.DRAFT

    def clean(self):
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The completion date cannot be before the start.")
        manager = self.project_manager if self.project_manager_id else None
        if manager is not None and not permissions.may(manager, "repair_form.view"):
            errors["project_manager"] = _("Choose one of our active staff.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("dispatch:repair_form", args=[self.pk])

    def approval_summary(self) -> list[tuple]:
        """What the approvers decide on (shown on the approval request page)."""
        ticket = self.ticket
        return [
            (_("service request"), f"{ticket.number} {ticket.title}"),
            (_("customer"), ticket.customer.name if ticket.customer_id else "—"),
            (_("defect found"), self.findings),
            (_("main cause"), self.cause),
            (_("scope of work and measures"), self.scope),
            (_("parts and materials"), self.parts),
            (_("cost estimate (CNY)"), f"¥{self.cost_estimate:,.2f}"),
            (_("planned dates"), f"{self.planned_start:%Y-%m-%d} – {self.planned_end:%Y-%m-%d}"),
            (_("project manager"), self.project_manager.display_name),
        ]
