"""Idempotency keys: what a retry may replay, for how long, and the periodic clean-up.

A client that sends ``Idempotency-Key: K`` with a POST gets the object that the first request
with K created, for `ttl()` (setting ``IDEMPOTENCY_KEY_TTL_HOURS``, default 24 h, documented in
docs/api.md).  The key remembers a fingerprint of the request body: the same key with a
*different* body is a client bug (two reports under one key) and answers 422, never the first
object with the second report silently dropped.  Expired keys are deleted by the periodic job
`purge_expired` (core/worker.py, shouhou/celery.py); an expired key is also ignored on lookup,
so a key reused after the window creates a new object.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone


def ttl() -> timedelta:
    return timedelta(hours=float(getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24)))


def _plain(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    return str(value)


def fingerprint(data) -> str:
    """A SHA-256 over the parsed request body, independent of key order."""
    if hasattr(data, "lists"):  # QueryDict (form or multipart): keep repeated values
        data = {key: values for key, values in data.lists()}
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_plain, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def live(queryset, now=None):
    """The keys of `queryset` still inside their window."""
    return queryset.filter(created_at__gte=(now or timezone.now()) - ttl())


def purge_expired(now=None, batch: int = 5000) -> int:
    """Delete expired keys in bounded batches; returns how many went (a periodic job)."""
    from .models import IdempotencyKey

    cutoff = (now or timezone.now()) - ttl()
    removed = 0
    while True:
        ids = list(IdempotencyKey.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:batch])
        if not ids:
            return removed
        removed += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
