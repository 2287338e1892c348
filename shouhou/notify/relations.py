"""Recipients by relation to the object an event is about — a registry that higher apps fill.

notify sits below the apps whose objects it talks about (tickets, dispatch, sla): it cannot know
what "the assignee" of a service request is.  Those apps register relations at start-up
(AppConfig.ready); a rule names relations by code.  A resolver takes (about, context) and yields
users (who get an in-app notification and their personal channels) or `Address`es — people
without an account, such as the reporter on the phone, who can be reached by e-mail or SMS only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    """A person without an account: reached by e-mail and/or SMS."""

    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Relation:
    code: str
    label: object
    resolve: Callable[[object, dict], Iterable]


_relations: dict[str, Relation] = {}


def register_relation(code: str, label, resolve: Callable[[object, dict], Iterable]) -> None:
    """resolve(about, context) -> iterable of users or Address; None/empty when not applicable."""
    _relations[code] = Relation(code, label, resolve)


def relation_codes() -> set[str]:
    return set(_relations)


def relation_choices() -> list[tuple[str, object]]:
    return [(r.code, r.label) for r in sorted(_relations.values(), key=lambda r: r.code)]


def resolve(code: str, about, context: dict) -> list:
    relation = _relations.get(code)
    if relation is None or about is None:
        return []
    return [who for who in (relation.resolve(about, context) or ()) if who is not None]


def watchers(about, context):
    """Users who watch `about` (notify.Watch) — the relation notify itself provides."""
    from django.contrib.contenttypes.models import ContentType

    from shouhou.accounts.models import User

    from .models import Watch

    kind = ContentType.objects.get_for_model(about)
    return User.objects.filter(is_active=True, pk__in=Watch.objects.filter(about_type=kind, about_id=about.pk)
                               .values("user_id")).order_by("pk")
