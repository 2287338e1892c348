"""Template filters of the SLA pages."""

from __future__ import annotations

from django import template

from shouhou.core import formats

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Seconds as "2 d 3 h 5 min" (translated); sign dropped, "—" for None (core.formats)."""
    return formats.duration(seconds)


@register.filter
def state_class(state: str) -> str:
    """A badge class per clock state (breached stands out like a level-1 fault)."""
    return {"breached": "badge sev-1", "met": "badge", "paused": "badge flag"}.get(state, "badge")
