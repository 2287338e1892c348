"""Visits (上门服务), their signed records and amendments, and fault analysis reports."""

from django.conf import settings
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from shouhou.core import limits
from shouhou.tickets.models import Ticket, hides_internal


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Visits of the tickets the user may see (the ticket's scoping is the one rule);
        customers do not see visit records voided as recorded in error."""
        qs = self.filter(ticket__in=Ticket.objects.visible_to(user))
        return qs.filter(voided_at__isnull=True) if hides_internal(user) else qs

    def open(self):
        """Visits still under way: neither left nor signed nor voided."""
        return self.filter(left_at__isnull=True, signed_at__isnull=True, voided_at__isnull=True)


DATETIME_FIELDS = frozenset({"appointment_at", "departed_at", "arrived_at", "left_at"})


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", _("Signature drawn on screen")
    ACCOUNT = "account", _("Confirmed from the customer's own account")


class Visit(models.Model):
    """One on-site attendance by an engineer: appointment, travel, arrival, work, parts, signature.

    Once `signed_at` is set the record is immutable (P10.4, P12.3): corrections are
    VisitAmendment rows, and the original stays as signed.  An unsigned record made in error is
    voided with a reason (dispatch.services.void_visit), never deleted (P13.9); a voided record
    takes no further step.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.PROTECT, related_name="visits")
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.PROTECT, related_name="visits"
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    appointment_note = models.CharField(_("agreed with"), max_length=200, blank=True)
    # Set when the time was booked outside the plan's working window in "warn" mode (issue 8).
    appointment_warning = models.CharField(_("appointment warning"), max_length=500, blank=True)
    departed_at = models.DateTimeField(_("set off at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    work_done = models.TextField(_("work done"), blank=True, max_length=limits.TEXT)
    parts_used = models.TextField(_("parts used"), blank=True, max_length=limits.TEXT)
    signature_method = models.CharField(_("signature"), max_length=16, choices=SignatureMethod.choices, blank=True)
    signature_image = models.ImageField(_("signature image"), upload_to="signatures/%Y/%m/", blank=True)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("voided by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    void_reason = models.TextField(_("reason for voiding"), blank=True, max_length=limits.SHORT_TEXT)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.ticket_id}/{self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def is_open(self) -> bool:
        return self.left_at is None and self.signed_at is None and self.voided_at is None

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    # Fields a signed record's amendments may correct (P12.3); the signature itself never changes.
    AMENDABLE_FIELDS = ("appointment_at", "appointment_note", "departed_at", "arrived_at", "left_at",
                        "work_done", "parts_used")

    def amended_values(self, amendments=None) -> dict:
        """The record as it reads after its amendments, oldest first; the signed row is unchanged.

        Amendments store datetimes as ISO strings (JSON); they come back as datetimes.
        """
        values = {name: getattr(self, name) for name in self.AMENDABLE_FIELDS}
        for amendment in amendments if amendments is not None else self.amendments.all():
            for name, change in amendment.changes.items():
                after = change.get("after")
                if name in DATETIME_FIELDS and isinstance(after, str):
                    after = parse_datetime(after)
                values[name] = after
        return values


class VisitAmendment(models.Model):
    """A correction to a signed visit record; the signed original is never changed (P12.3)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=limits.SHORT_TEXT)
    changes = models.JSONField(_("changes"), default=dict)  # {"field": {"before": …, "after": …}}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit amendment")
        verbose_name_plural = _("visit amendments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.visit_id}#{self.pk}"


class FaultReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        qs = self.filter(ticket__in=Ticket.objects.visible_to(user))
        return qs.filter(shared_with_customer=True) if hides_internal(user) else qs


class FaultReport(models.Model):
    """Fault analysis report after an on-site fix: cause, fix, prevention (P5.4, P14.8)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.PROTECT, related_name="fault_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    cause = models.TextField(_("cause"), max_length=limits.TEXT)
    fix = models.TextField(_("fix"), max_length=limits.TEXT)
    prevention = models.TextField(_("prevention"), max_length=limits.TEXT)
    shared_with_customer = models.BooleanField(_("sent to the customer"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FaultReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("fault analysis report")
        verbose_name_plural = _("fault analysis reports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.ticket_id}: {self.cause[:40]}"


from .repair_forms.models import RepairTaskForm  # noqa: E402, F401 - the P13.8 form lives in its own package
from .roster.models import DutyPattern, DutyShift  # noqa: E402, F401 - duty rosters (P2.2, P14.11)
