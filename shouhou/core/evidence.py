"""Service evidence is never hard-deleted within its retention period (P13.9: 5 years).

Each app declares its evidence models at start-up (`protect(Model, kind)` in AppConfig.ready).
A `pre_delete` receiver then refuses every ORM deletion of such a row: `instance.delete()`,
`QuerySet.delete()`, the admin, and cascades from a parent (deleting a customer, an asset or a
ticket) — Django sends `pre_delete` for every collected row before it runs any DELETE, so a
refusal leaves the database untouched.  Records that must disappear are voided or archived with
a reason instead (`sla.services.void_loaner_task`, `tickets.services.void_attachment`,
`dispatch.services.void_visit`).

The only ways past the guard are `purge(reason)` blocks, each narrow and documented:

* `retention` — the retention service deletes records whose retention has expired, as their
  rule says (shouhou.retention.services);
* `demo reset` — `shouhou demo --reset` wipes the tickets of a database that holds nothing but
  demo data (ops.demo.purge_tickets refuses any other database);
* `benchmark cleanup` — `shouhou bench clocks` deletes the synthetic rows it inserted itself.

Raw SQL is outside any ORM guard; only the last two use it, behind the same checks.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.utils.translation import gettext as _

# Record kinds of the retention rules (shouhou.retention): which rule keeps a model's rows.
SERVICE = "service"
ACCOUNTING = "accounting"
PERSONAL = "personal"

PURGE_REASONS = frozenset({"retention", "demo reset", "benchmark cleanup"})

_protected: dict[type, str] = {}
_purging: contextvars.ContextVar[str | None] = contextvars.ContextVar("shouhou_evidence_purge", default=None)


class EvidenceProtectedError(ProtectedError):
    """A deletion of service evidence was refused (void or archive the record instead)."""


def protect(model: type, kind: str = SERVICE) -> None:
    """Declare `model` as evidence kept under the retention rule of `kind`; idempotent."""
    _protected[model] = kind
    pre_delete.connect(_refuse, sender=model, dispatch_uid=f"shouhou-evidence-{model._meta.label_lower}")


def protected_models() -> dict[type, str]:
    """Every declared evidence model with its record kind."""
    return dict(_protected)


def kind_of(model: type) -> str | None:
    return _protected.get(model)


def purging() -> str | None:
    """The reason of the purge block the current code runs in, or None."""
    return _purging.get()


@contextmanager
def purge(reason: str) -> Iterator[None]:
    """Allow deleting evidence inside this block, for one of PURGE_REASONS only."""
    if reason not in PURGE_REASONS:
        raise ValueError(f"not a documented purge reason: {reason!r}")
    token = _purging.set(reason)
    try:
        yield
    finally:
        _purging.reset(token)


def _refuse(sender, instance, **kwargs):
    if _purging.get() is not None:
        return
    raise EvidenceProtectedError(
        _("%(record)s is service evidence and is kept for its retention period; void or archive it instead.")
        % {"record": sender._meta.verbose_name}, {instance},
    )
