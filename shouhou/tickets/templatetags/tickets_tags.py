"""Small template helpers for the timeline."""

from django import template

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
        try:
            return Ticket._meta.get_field(name).verbose_name
        except Exception:  # noqa: BLE001 - an unknown key is shown as it is
            return name

    return [(label(name), show(before.get(name)), show(after.get(name))) for name in after]
