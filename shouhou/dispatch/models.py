"""Visits (上门服务), their signed records and amendments, and fault analysis reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.tickets.models import Ticket, hides_internal


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(ticket__in=Ticket.objects.visible_to(user))


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", _("Signature drawn on screen")
    ACCOUNT = "account", _("Confirmed from the customer's own account")


class Visit(models.Model):
    """One on-site attendance by an engineer: appointment, travel, arrival, work, parts, signature.

    Once `signed_at` is set the record is immutable (P10.4, P12.3): corrections are
    VisitAmendment rows, and the original stays as signed.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.PROTECT, related_name="visits")
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.PROTECT, related_name="visits"
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    appointment_note = models.CharField(_("agreed with"), max_length=200, blank=True)
    departed_at = models.DateTimeField(_("set off at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    parts_used = models.TextField(_("parts used"), blank=True)
    signature_method = models.CharField(_("signature"), max_length=16, choices=SignatureMethod.choices, blank=True)
    signature_image = models.ImageField(_("signature image"), upload_to="signatures/%Y/%m/", blank=True)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["created_at", "id"]

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class VisitAmendment(models.Model):
    """A correction to a signed visit record; the signed original is never changed (P12.3)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=dict)  # {"field": {"before": …, "after": …}}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit amendment")
        verbose_name_plural = _("visit amendments")
        ordering = ["created_at", "id"]


class FaultReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        qs = self.filter(ticket__in=Ticket.objects.visible_to(user))
        return qs.filter(shared_with_customer=True) if hides_internal(user) else qs


class FaultReport(models.Model):
    """Fault analysis report after an on-site fix: cause, fix, prevention (P5.4, P14.8)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("service request"), on_delete=models.PROTECT, related_name="fault_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    cause = models.TextField(_("cause"))
    fix = models.TextField(_("fix"))
    prevention = models.TextField(_("prevention"))
    shared_with_customer = models.BooleanField(_("sent to the customer"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FaultReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("fault analysis report")
        verbose_name_plural = _("fault analysis reports")
        ordering = ["-created_at"]
