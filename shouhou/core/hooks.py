"""Registries through which higher apps add to lower apps' pages without being imported by them.

A customer, site or asset page shows its service history (P5.7: the asset's whole history is its
maintenance archive), but tickets and visits live in higher apps.  Those apps register a provider
at start-up (AppConfig.ready); the page asks for whatever is registered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field


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
