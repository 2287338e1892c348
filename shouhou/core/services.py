"""State changes of the core app (the log of personal-data exports, PIPL), and the small checks
every app's services share: refusing a change (`require`), a reference outside the user's scope
(`require_visible`), a warranty-defining change without a reason (`require_reason`), and `pick`."""

from __future__ import annotations

import getpass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rights
from .errors import ServiceError
from .models import ExportLog

# The API's answer to a reference outside the user's scope: the same as for a record that does
# not exist, so it never confirms that another tenant's record is there.
not_visible_message = gettext_lazy('Record "{pk_value}" does not exist or is not visible to you.')


def visible(model, user):
    """The queryset of `model` the acting user may see."""
    return model.objects.visible_to(user)


def require(user, action: str, obj=None) -> None:
    """Refuse (403, the one refusal code) a change unless the permission layer allows `action` (on `obj`)."""
    rights.require(user, action, obj, _("You may not change this record."))


def require_visible(user, model, obj, field: str) -> None:
    """Refuse a reference to a record the user cannot see, naming the input field (400)."""
    if obj is not None and not visible(model, user).filter(pk=obj.pk).exists():
        raise ServiceError(
            "not_visible",
            _("%(name)s: this record does not exist or is not visible to you.")
            % {"name": model._meta.verbose_name},
            field,
        )


def pick(data: dict, names) -> dict:
    """The entries of `data` named in `names` (a service's accepted input fields)."""
    return {name: data[name] for name in names if name in data}


def require_reason(reason) -> str:
    """Warranty-defining changes carry a reason (issue 6); the audit history records it."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Please give the reason for this change."), "reason")
    return reason


def log_export(user, *, model, filters: dict | None = None, rows: int, channel: str, destination: str = "") -> ExportLog:
    """Record that `user` (the system actor or None: the operator of a command-line run) exported `rows` records of
    `model` (a model class or label) selected by `filters`, through `channel` (cli, web, api).

    Every export path calls this after writing, in its own transaction; the row is kept (evidence).
    """
    label = model if isinstance(model, str) else model._meta.label_lower
    if user is not None and not getattr(user, "is_system", False):
        actor = getattr(user, "display_name", None) or user.get_username()
        actor = f"{actor} ({user.get_username()})" if actor != user.get_username() else actor
    else:
        try:
            actor = f"operator ({getpass.getuser()})"
        except (KeyError, OSError):  # no user name in this environment
            actor = "operator"
    return ExportLog.objects.create(user=user, actor=actor[:200], channel=channel, model=label,
                                    filters=filters or {}, row_count=rows, destination=str(destination)[:300])
