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
