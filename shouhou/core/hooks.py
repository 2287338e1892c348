"""Registries through which higher apps add to lower apps' pages without being imported by them.

A customer, site or asset page shows its service history (P5.7: the asset's whole history is its
maintenance archive), but tickets and visits live in higher apps.  Those apps register a provider
at start-up (AppConfig.ready); the page asks for whatever is registered.  The same goes for the
times promised to a reporter on intake and for dashboard panels (issue 3): tickets asks, sla answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Section:
    """One panel on a detail page: a title, the template that renders it, and its context."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


_history: dict[str, list[Callable]] = defaultdict(list)


def register_history(model_label: str, provider: Callable) -> None:
    """provider(user, obj) -> Section | None, for objects of `model_label` (e.g. "assets.asset")."""
    if provider not in _history[model_label]:
        _history[model_label].append(provider)


def history_for(user, obj) -> list[Section]:
    sections = [provider(user, obj) for provider in _history[obj._meta.label_lower]]
    return sorted((s for s in sections if s is not None), key=lambda s: s.order)


# ------------------------------------------------------------------------------------- promises

@dataclass(frozen=True)
class Promise:
    """A time the reporter is promised for a request (issue 3: "On intake … the reporter is told
    the expected response and arrival times").  `kind` is machine-readable (e.g. "response",
    "arrival"); `label` is the wording shown to people; `due_at` is an aware UTC instant."""

    kind: str
    label: str
    due_at: datetime


_promises: list[Callable] = []


def register_promises(provider: Callable) -> None:
    """provider(ticket) -> iterable of Promise.  The sla app registers the ticket's running clocks."""
    if provider not in _promises:
        _promises.append(provider)


def promises_for(ticket) -> list[Promise]:
    """Every registered provider's promises for `ticket`, earliest first (empty when none apply)."""
    found = [promise for provider in _promises for promise in (provider(ticket) or ())]
    return sorted(found, key=lambda p: (p.due_at, p.kind))


# ------------------------------------------------------------------------------------ dashboard

_dashboard: list[Callable] = []


def register_dashboard(provider: Callable) -> None:
    """provider(user) -> Section | None: a panel on the dashboard ("/") from a higher app
    (e.g. sla's warning that a working calendar's holiday data runs out)."""
    if provider not in _dashboard:
        _dashboard.append(provider)


def dashboard_sections(user) -> list[Section]:
    sections = [provider(user) for provider in _dashboard]
    return sorted((s for s in sections if s is not None), key=lambda s: s.order)
