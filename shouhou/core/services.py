"""State changes of the core app: the log of personal-data exports (PIPL)."""

from __future__ import annotations

import getpass

from .models import ExportLog


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
