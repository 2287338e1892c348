"""The notification policy, as data: event kinds → rules (recipients, channels, templates).

An app announces that something happened with `notify.policy.emit(code, about=…, actor=…)`.
Whether anybody hears of it, who, on which channels and in which words is decided here, by rows an
administrator edits (admin: Notifications → event kinds / rules).  A kind nobody wrote a row for
is emitted all the same and simply reaches nobody; adding the row later makes it deliver, with no
code change (issue 7, "Notifications for people").
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import AuditedRecords

from ..choices import RuleChannel

CODE = RegexValidator(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$",
                      _("Lower-case words separated by dots, e.g. ticket.assign."), "bad_code")


class EventKind(models.Model):
    """Something that happens and that people may want to hear of ("ticket.assign", "sla.breach").

    `code` is what the emitting code names; apps emit codes (tickets emits "ticket.<action>" for
    every workflow step), so a kind row with a new code needs no code change to deliver.
    """

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[CODE],
                            help_text=_("The name the emitting code uses, e.g. ticket.assign."))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    active = models.BooleanField(_("active"), default=True)
    history = AuditedRecords()  # the policy is reference data: its edits are audited

    class Meta:
        verbose_name = _("event kind")
        verbose_name_plural = _("event kinds")
        ordering = ["code"]

    def __str__(self):
        return self.name or self.code


def _check_codes(values, allowed: set[str], field: str) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError({field: _("Choose from the list.")})
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValidationError({field: _("Unknown: %(codes)s") % {"codes": ", ".join(unknown)}})


class NotificationRule(models.Model):
    """Who hears of an event kind, and how.

    Recipients are the union of people holding one of `roles` and people related to the object
    the event is about through one of `relations` (notify.relations: assignee, the assigned
    dealer's staff, the customer's users, the reporter, watchers …).  Nobody is told about an
    object they may not see.  Every user recipient gets an in-app notification; `channels` adds
    e-mail, SMS (with the provider's approved `sms_template`), a personal chat-app message, and
    the team group robots.  A person's preferences narrow the personal channels further.
    """

    kind = models.ForeignKey(EventKind, verbose_name=_("event kind"), on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    relations = models.JSONField(_("relations to the object"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    skip_actor = models.BooleanField(_("not the person who did it"), default=True,
                                     help_text=_("Do not notify the user whose action caused the event."))
    sms_template = models.CharField(_("SMS template code"), max_length=64, blank=True,
                                    help_text=_("The template code approved by the SMS provider; "
                                                "without one no SMS is sent."))
    sms_params = models.JSONField(_("SMS template parameters"), default=list, blank=True,
                                  help_text=_("Names of the message values passed to the SMS template, e.g. number."))
    history = AuditedRecords(m2m_fields=["endpoints"])
    endpoints = models.ManyToManyField("notify.WebhookEndpoint", verbose_name=_("group robots"), blank=True,
                                       help_text=_("For the group robot channel; none chosen means every active one."))

    class Meta:
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")
        ordering = ["kind__code", "id"]

    def __str__(self):
        return f"{self.kind.code}: {self.name}"

    def clean(self):
        from shouhou.accounts.choices import Role

        from ..relations import relation_codes

        _check_codes(self.roles, set(Role.values), "roles")
        _check_codes(self.relations, relation_codes(), "relations")
        _check_codes(self.channels, set(RuleChannel.values), "channels")
        if not isinstance(self.sms_params, list):
            raise ValidationError({"sms_params": _("A list of names.")})

    def template_for(self, language: str):
        """The rule's wording in `language`, else in the default language, else any it has."""
        templates = {t.language: t for t in self.templates.all()}
        return (templates.get(language) or templates.get(settings.LANGUAGE_CODE)
                or next(iter(templates.values()), None))


class RuleTemplate(models.Model):
    """A rule's wording in one language: Django template text over the event's values
    ({{ number }}, {{ title }}, {{ actor }}, {{ link }} and what the emitting app adds)."""

    rule = models.ForeignKey(NotificationRule, on_delete=models.CASCADE, related_name="templates")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True, max_length=4000)
    history = AuditedRecords(part_of="rule")

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["rule", "language"], name="notify_rule_template_lang")]

    def __str__(self):
        return f"{self.rule_id}:{self.language}"

    def clean(self):
        from ..render import check_template

        for field in ("subject", "body"):
            error = check_template(getattr(self, field))
            if error:
                raise ValidationError({field: error})
