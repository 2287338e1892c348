"""Template filters of the SLA pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Seconds as "2 d 3 h 5 min" (translated); sign dropped, "—" for None."""
    if seconds is None or seconds == "":
        return "—"
    total = int(round(abs(float(seconds)) / 60))
    days, rest = divmod(total, 1440)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)s d") % {"n": days})
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if minutes or not parts:
        parts.append(_("%(n)s min") % {"n": minutes})
    return " ".join(parts)


@register.filter
def state_class(state: str) -> str:
    """A badge class per clock state (breached stands out like a level-1 fault)."""
    return {"breached": "badge sev-1", "met": "badge", "paused": "badge flag"}.get(state, "badge")
