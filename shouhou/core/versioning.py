"""Optimistic concurrency: a change names the version it was based on (style rule 7).

An update is one atomic `UPDATE … WHERE pk = %s AND version = %s`; zero rows means someone
else changed the record first, and the caller gets a ConflictError (HTTP 409) rather than
silently overwriting their work.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import F
from django.utils.translation import gettext as _

from .audit import record_change
from .errors import ConflictError, ServiceError
from .models import VersionedModel

M = TypeVar("M", bound=VersionedModel)  # returns the caller's own model type


def parse_if_match(header: str | None) -> int | None:
    """Read a version from an `If-Match` header: `"3"`, `W/"3"` or `3`."""
    if not header:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError as exc:
        raise ServiceError("bad_if_match", _("If-Match must carry the record's version number."), "version") from exc


def parse_version(value) -> int | None:
    """Read the version a form or request body names: None when absent, else a whole number (400 if not)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError("bad_version", _("The version must be a whole number."), "version") from None


def etag_for(obj) -> str:
    return f'"{obj.version}"'


def save_versioned(obj: M, expected_version: int | None, fields: dict) -> M:
    """Write `fields` onto `obj` if its stored version is still `expected_version`.

    Raises ConflictError when the stored version moved on, ServiceError when no version was given.
    On success `obj` carries the new values and version, and the change is in the object's audit
    trail (core.audit) with the user and reason stamped on `obj` — unless the caller records it
    itself (inside `audit.one_row`).
    """
    if expected_version is None:
        raise ServiceError(
            "version_required",
            _("Send the version you edited (If-Match header or 'version' field) so concurrent edits are never overwritten."),
            "version",
        )
    model = type(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=[f.name for f in model._meta.fields if f.name not in fields])
    concrete = {name: getattr(obj, name) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.fields):
        from django.utils import timezone

        concrete["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **concrete
    )
    if not updated:
        current = model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise ConflictError(
            "stale_version",
            _("This record was changed by someone else (now version %(current)s, you edited version %(expected)s). Reload and try again.")
            % {"current": current, "expected": expected_version},
            "version",
        )
    obj.version = expected_version + 1
    if "updated_at" in concrete:
        obj.updated_at = concrete["updated_at"]
    record_change(obj)
    return obj
