"""Pages of the SLA app: plan templates, calendars, clock explanations, due list, compliance."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shouhou.core.hooks import Section

from .models import Clock


def clocks_section(user, ticket):
    """The clocks panel on the ticket detail page (order 10): due, remaining, met/breached by how much."""
    clocks = list(Clock.objects.filter(ticket=ticket).select_related("target").order_by("due_at", "id"))
    return Section(title=str(_("Service clocks")), template="sla/_clocks_section.html",
                   context={"clocks": clocks, "ticket": ticket}, order=10)
