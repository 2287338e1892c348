"""Small template helpers for the timeline and the list's "next due" column."""

from django import template
from django.utils import timezone

from shouhou.core.formats import duration

from ..choices import Status
from ..models import Ticket

register = template.Library()
LABELS = dict(Status.choices)


@register.filter
def status_label(value):
    """The translated label of a stored status value."""
    return LABELS.get(value, value)


@register.filter
def changes(data):
    """[(field, before, after)] from an event's {"before": {...}, "after": {...}} data."""
    if not isinstance(data, dict):
        return []
    before, after = data.get("before") or {}, data.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []

    def show(value):
        if isinstance(value, dict):
            return value.get("label") or value.get("name") or value.get("id")
        return "—" if value in (None, "") else value

    def label(name):
        for field_name in (name, f"assigned_{name}"):  # dispatch records the dealer as "dealer"
            try:
                return Ticket._meta.get_field(field_name).verbose_name
            except Exception:  # noqa: BLE001, S112 - try the next spelling; an unknown key is shown as it is
                continue
        return name

    rows = [(label(name), show(before.get(name)), show(after.get(name))) for name in after]
    return [row for row in rows if row[1] != row[2]]  # only what actually changed


@register.inclusion_tag("tickets/_due.html")
def due_cell(next_due_at):
    """The list's "next due" cell (issue 3): time left, or how long overdue, with the local due time."""
    if next_due_at is None:
        return {"due": None}
    left = (next_due_at - timezone.now()).total_seconds()
    return {"due": next_due_at, "overdue": left < 0, "span": duration(left), "soon": 0 <= left <= 3600}
