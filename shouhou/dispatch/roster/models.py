"""Duty rosters (值班表, P2.2 "24 h a day", P14.11 "24 h duty"): who is on call when, and where.

A DutyShift is one stretch of duty: an engineer (or a team) from `starts_at` to `ends_at`,
optionally only for one service zone or one contract.  A DutyPattern is a weekly rule
("Mon–Sun 00:00–08:00, 李工") that generates shifts ahead (services.generate_shifts); a
generated shift keeps its pattern and may be edited on its own (a swap).  Both are reference
data: audited (core.audit), changed only by roster.services, seen through `visible_to(user)`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.accounts import permissions
from shouhou.accounts.models import Team
from shouhou.contracts.models import Contract
from shouhou.core.audit import AuditedRecords
from shouhou.customers.models import ServiceZone

WEEKDAYS = [(0, pgettext_lazy("weekday", "Mon")), (1, pgettext_lazy("weekday", "Tue")),
            (2, pgettext_lazy("weekday", "Wed")), (3, pgettext_lazy("weekday", "Thu")),
            (4, pgettext_lazy("weekday", "Fri")), (5, pgettext_lazy("weekday", "Sat")),
            (6, pgettext_lazy("weekday", "Sun"))]
MAX_SHIFT = timedelta(hours=48)


def _duty_q(user, scope: str) -> Q:
    """Duty of `user` (scope own: his shifts and his teams'), of his teams' members (team), or all."""
    if scope == permissions.ALL:
        return Q()
    my_teams = Team.objects.filter(members=user).values("pk")
    if scope == permissions.OWN:
        return Q(engineer=user) | Q(team__in=my_teams)
    if scope == permissions.TEAM:
        return Q(engineer__teams__in=my_teams) | Q(team__in=my_teams)
    return Q(pk__in=[])


class DutyQuerySet(models.QuerySet):
    supported_scopes = frozenset({permissions.ALL, permissions.TEAM, permissions.OWN})

    def scope_q(self, user, scope: str) -> Q:
        return _duty_q(user, scope)

    def visible_to(self, user):
        """The scope of "roster.view": service managers and the desk all duty, an engineer his own;
        dealers and customers none."""
        return permissions.scope_filter(user, "roster.view", self).distinct()


class DutyPlace(models.Model):
    """Who and where, shared by patterns and shifts."""

    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("engineer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    zone = models.ForeignKey(ServiceZone, verbose_name=_("service zone"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", help_text=_("Empty: every zone."))
    contract = models.ForeignKey(Contract, verbose_name=_("contract"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", help_text=_("Empty: every contract."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def who(self) -> str:
        if self.engineer_id:
            return self.engineer.display_name
        return str(self.team) if self.team_id else ""

    @property
    def where(self) -> str:
        parts = [str(self.zone) if self.zone_id else "", self.contract.number if self.contract_id else ""]
        return " · ".join(p for p in parts if p) or str(_("all zones"))

    def clean(self):
        if not self.engineer_id and not self.team_id:
            raise ValidationError({"engineer": _("Name the engineer or the team on duty.")})
        if self.engineer_id and not permissions.is_assignable(self.engineer):
            raise ValidationError({"engineer": _("Only an active field engineer can be on duty.")})


class DutyPattern(DutyPlace):
    """A weekly duty rule: on `weekdays`, from `start_time` to `end_time` (an end at or before the start
    runs into the next day), from `valid_from` until `valid_until` (empty: open-ended)."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    weekdays = models.JSONField(_("weekdays"), default=list, help_text=_("0 = Monday … 6 = Sunday."))
    start_time = models.TimeField(_("on duty from"))
    end_time = models.TimeField(_("on duty until"), help_text=_("At or before the start: the next day."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The last day whose shifts are generated (roster.services); moves daily, so not audited.
    generated_until = models.DateField(null=True, blank=True, editable=False)

    objects = DutyQuerySet.as_manager()
    history = AuditedRecords(excluded_fields=["generated_until"])

    class Meta:
        verbose_name = _("duty pattern")
        verbose_name_plural = _("duty patterns")
        ordering = ["start_time", "id"]

    def __str__(self):
        return self.name or f"{self.who} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self):
        super().clean()
        days = self.weekdays if isinstance(self.weekdays, list) else None
        if not days or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            raise ValidationError({"weekdays": _("Choose at least one weekday.")})
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end date lies before the start date.")})

    @property
    def weekday_labels(self) -> str:
        names = dict(WEEKDAYS)
        return "、".join(str(names[d]) for d in sorted(self.weekdays or []))


class DutyShift(DutyPlace):
    """One stretch of duty: who is on call from `starts_at` to `ends_at`, where."""

    pattern = models.ForeignKey(DutyPattern, verbose_name=_("duty pattern"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="shifts")
    starts_at = models.DateTimeField(_("on duty from"), db_index=True)
    ends_at = models.DateTimeField(_("on duty until"), db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = DutyQuerySet.as_manager()
    history = AuditedRecords()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["pattern", "starts_at"], name="dispatch_duty_generated_once")]

    def __str__(self):
        return f"{self.who} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                raise ValidationError({"ends_at": _("The shift ends after it starts.")})
            if self.ends_at - self.starts_at > MAX_SHIFT:
                raise ValidationError({"ends_at": _("A shift lasts at most 48 hours.")})
