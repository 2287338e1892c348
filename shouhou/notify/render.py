"""Rendering a rule's wording: Django template text, plain text out (no HTML escaping).

Templates are data an administrator edits; they see the event's values only (numbers, titles,
names, a link), never objects with methods to call beyond attribute access.
"""

from __future__ import annotations

from django.template import Context, Engine, TemplateSyntaxError

_ENGINE = Engine(autoescape=False, debug=False, string_if_invalid="")


def check_template(text: str) -> str | None:
    """The syntax error of `text` as a message, or None when it compiles."""
    try:
        _ENGINE.from_string(text or "")
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


def render(text: str, values: dict) -> str:
    """`text` rendered over `values`; a broken template renders as its raw text (never raises)."""
    try:
        return _ENGINE.from_string(text or "").render(Context(values, autoescape=False)).strip()
    except TemplateSyntaxError:
        return text or ""
