"""Service requests (工单), their timeline and attachments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import permissions
from shouhou.accounts.models import User
from shouhou.accounts.phone_search import PhoneTail
from shouhou.core import limits
from shouhou.core.models import VersionedModel
from shouhou.customers.scoping import NOTHING, customer_in_scope, organisation_in_q

from .choices import Channel, EventKind, Severity, Status, SupportMode
from .severity import SeverityLevel, severity_label, validate_severity  # noqa: F401 (SeverityLevel: the app's model)


def jobs_q(user, scope: str) -> Q:
    """Which requests a scope of the permission layer reaches (accounts.permissions):

    - own: my jobs — assigned to me, or (dealer staff) to my outlet;
    - team: my team's jobs — assigned to anyone in a team I belong to (accounts.Team), or to me;
    - organisation: my organisation's — a dealer's customers' requests and those assigned to it;
      a customer user's own customer's.  Unverified requests with no customer yet match none.
    """
    if scope == permissions.ALL:
        return Q()
    if scope == permissions.OWN:
        mine = Q(assignee_id=user.pk)
        if permissions.organisation_kind(user) == permissions.DEALER:
            mine |= Q(assigned_dealer_id=user.organisation_id)
        return mine
    if scope == permissions.TEAM:
        mates = User.objects.filter(teams__members=user).values("pk")
        return Q(assignee_id=user.pk) | Q(assignee_id__in=mates)
    if scope == permissions.ORGANISATION:
        rule = organisation_in_q(user)
        if permissions.organisation_kind(user) == permissions.DEALER:
            rule |= Q(assigned_dealer_id=user.organisation_id)
        return rule
    return NOTHING


class TicketQuerySet(models.QuerySet):
    supported_scopes = frozenset(permissions.SCOPES)

    def scope_q(self, user, scope: str) -> Q:
        return jobs_q(user, scope)

    def visible_to(self, user):
        """The one scoping rule for tickets (style rule 11): the scope of "ticket.view"."""
        return permissions.scope_filter(user, "ticket.view", self)

    def open(self):
        from .choices import OPEN_STATES

        return self.filter(status__in=OPEN_STATES)


class Ticket(VersionedModel):
    """One reported problem and all work on it.

    Status changes only through tickets.services (and the dispatch services that call it); each
    one appends a TicketEvent in the same transaction.  A report that matches no known asset or
    customer is still recorded with `unverified=True` for the desk to resolve — never dropped.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=limits.LONG_TEXT)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PHONE)
    # The rank of a SeverityLevel (tickets.severity): the company's own levels, P5.1 by default.
    severity = models.PositiveSmallIntegerField(_("severity"), default=Severity.MINOR, validators=[validate_severity])
    service_level = models.CharField(_("service level"), max_length=1, blank=True)
    support_mode = models.CharField(
        _("support mode"), max_length=16, choices=SupportMode.choices, default=SupportMode.ON_SITE
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.NEW)
    resume_status = models.CharField(max_length=24, choices=Status.choices, blank=True, editable=False)

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tickets",
    )
    site = models.ForeignKey(
        "customers.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    asset = models.ForeignKey(
        "assets.Asset", verbose_name=_("asset"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tickets",
    )
    reported_serial = models.CharField(_("reported serial no."), max_length=100, blank=True)
    reported_customer = models.CharField(_("reported customer"), max_length=200, blank=True)
    reporter_name = models.CharField(_("reporter"), max_length=100, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=50, blank=True)
    reporter_email = models.EmailField(_("reporter e-mail"), blank=True)
    unverified = models.BooleanField(
        _("unverified"), default=False, db_index=True,
        help_text=_("The reported asset or customer is unknown; the desk must resolve it."),
    )
    in_warranty = models.BooleanField(_("in warranty"), null=True, blank=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    assigned_dealer = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("dealer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # A repeat report: the same fault on the same unit within the plan's recurrence window after
    # this earlier request was resolved (issue 8; set by tickets.services.mark_repeat only).
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("repeat of"), null=True, blank=True, on_delete=models.PROTECT, related_name="repeats",
        editable=False,
    )
    resolution = models.TextField(_("resolution"), blank=True, max_length=limits.TEXT)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True, max_length=limits.SHORT_TEXT)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Derived data, kept by the sla app (sla.services.next_due.refresh_next_due): the earliest due
    # time of the ticket's running clocks, overdue ones included; None when no clock runs.  A column
    # rather than a join so "next due" lists sort and filter on one index at a million tickets.
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_created"),
            models.Index(fields=["severity", "status"], name="ticket_severity_status"),
            # Dealer and customer lists filter by status and scope (customer IN …, assigned dealer).
            models.Index(fields=["status", "customer", "assigned_dealer"], name="ticket_status_scope"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created_id"),
            models.Index(fields=["status", "next_due_at"], name="ticket_status_next_due"),
            models.Index(PhoneTail("reporter_phone"), name="ticket_reporter_phone_tail"),  # caller lookup
            models.Index(fields=["next_due_at"], name="ticket_next_due",
                         condition=Q(next_due_at__isnull=False)),
        ]

    def get_severity_display(self) -> str:
        """The company's name of the level (SeverityLevel), as the field's choices once gave."""
        return severity_label(self.severity)

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """Human ticket number derived from the id, so it can never disagree with it."""
        return f"SR{self.pk:08d}" if self.pk else ""

    def in_scope(self, user, scope: str) -> bool | None:
        """The "own" scope — and "organisation" when the customer is loaded — judged from loaded
        fields (no query, so lists can ask per row); None: ask the database (jobs_q)."""
        dealer = permissions.organisation_kind(user) == permissions.DEALER
        if scope == permissions.OWN:
            if self.assignee_id is not None and self.assignee_id == user.pk:
                return True
            return bool(dealer and self.assigned_dealer_id == user.organisation_id)
        if scope != permissions.ORGANISATION:
            return None
        if dealer and self.assigned_dealer_id == user.organisation_id:
            return True
        if self.customer_id is None:
            return False
        if "customer" not in self._state.fields_cache:
            return None
        return customer_in_scope(user, scope, self.customer)

    @staticmethod
    def id_from_number(text: str) -> int | None:
        text = text.strip().upper()
        if text.startswith("SR") and text[2:].isdigit():
            return int(text[2:])
        return None


def hides_internal(user) -> bool:
    """Customer users never see internal notes, internal attachments or desk-only events."""
    return not permissions.may(user, "internal.view")


class TicketEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        qs = self.filter(ticket__in=Ticket.objects.visible_to(user))
        return qs.filter(internal=False) if hides_internal(user) else qs


class TicketEvent(models.Model):
    """One entry of a ticket's timeline: who, when, what, before/after.

    `internal` entries are never shown to customer users (notes, desk-only changes).
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    body = models.TextField(_("text"), blank=True, max_length=limits.LONG_TEXT)
    data = models.JSONField(default=dict, blank=True)  # {"before": {...}, "after": {...}, ...}
    internal = models.BooleanField(_("internal"), default=False)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self):
        return f"{self.ticket_id}:{self.kind}"


def attachment_path(instance, filename):
    return f"attachments/{instance.ticket_id}/{filename}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments of tickets the user sees; customers never see internal or voided ones."""
        qs = self.filter(ticket__in=Ticket.objects.visible_to(user))
        return qs.filter(internal=False, voided_at__isnull=True) if hides_internal(user) else qs


class Attachment(models.Model):
    """A photo, video or document attached to a ticket as fault evidence (P10.6).

    Never deleted within retention (P13.9): one attached in error is voided with a reason
    (tickets.services.void_attachment); the file stays, customers no longer see it and our
    people see it struck through with who voided it, when and why.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(TicketEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("voided by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    void_reason = models.TextField(_("reason for voiding"), blank=True, max_length=limits.SHORT_TEXT)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
