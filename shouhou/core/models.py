"""Shared building blocks: optimistic versioning and idempotency keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """A record that concurrent editors update optimistically.

    `version` grows by one on every change made through a service; an update that names
    an older version is refused with 409 instead of silently overwriting (see core.versioning).
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """Remembers which object a client's `Idempotency-Key` created, so a retry returns it.

    `fingerprint` is the SHA-256 of the first request's body (core.idempotency): a retry with
    another body is refused (422).  Rows expire after IDEMPOTENCY_KEY_TTL_HOURS.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    object_id = models.BigIntegerField()
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="uniq_idempotency_key"),
        ]

    def __str__(self):
        return f"{self.scope}:{self.key}"


class DemoMarker(models.Model):
    """Written by the demo loader when it builds its world in an empty database.

    Its presence says the database was created for demonstration; `shouhou demo --reset` wipes
    tickets only where it exists and nothing but the demo world's reference data is found
    (ops.demo.non_demo_data).  A production database never has one.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("demo database marker")
        verbose_name_plural = _("demo database markers")

    def __str__(self):
        return f"demo {self.created_at:%Y-%m-%d %H:%M}"


class ExportLog(models.Model):
    """One export of personal data: who, when, what (model, filters, row count), how (PIPL).

    Written by core.services.log_export from every export path (the CLI's `shouhou export`, and
    any web or API export); shown to administrators in the admin; never edited or deleted.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(_("exported by"), max_length=200,
                             help_text=_("The user's name at the time, or the operator of a command-line run."))
    channel = models.CharField(_("channel"), max_length=8, choices=[("cli", _("Command line")), ("web", _("Web")),
                                                                    ("api", _("API"))])
    model = models.CharField(_("records"), max_length=100, help_text=_("Model label, e.g. customers.customer."))
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"))
    destination = models.CharField(_("file"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.actor}: {self.model} × {self.row_count}"


class ImportLog(models.Model):
    """One applied spreadsheet import: who, when, which kind and file, how many rows it created,
    updated or left unchanged (core.imports).  Written in the import's own transaction, so a log
    row exists exactly when the rows do; each record's own history names the changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("records"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=[("cli", _("Command line")), ("web", _("Web")),
                                                                    ("api", _("API"))])
    filename = models.CharField(_("file"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind}: {self.filename} (+{self.created} ~{self.updated})"
