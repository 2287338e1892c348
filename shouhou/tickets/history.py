"""History sections the tickets app adds to customer, site and asset pages (core.hooks).

The asset's section is its maintenance archive (P5.7): every service request on that unit the
viewer may see, newest first.
"""

from __future__ import annotations

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhou.core.hooks import Section

from .serializers import LIST_COLUMNS, LIST_RELATED

HISTORY_ROWS = 50


def _section(user, title, field, obj, order):
    from .models import Ticket

    qs = (Ticket.objects.visible_to(user).filter(**{field: obj.pk})
          .select_related(*LIST_RELATED).only(*LIST_COLUMNS).order_by("-created_at", "-id"))
    tickets = list(qs[: HISTORY_ROWS + 1])
    return Section(title=title, template="tickets/_history.html", order=order, context={
        "tickets": tickets[:HISTORY_ROWS], "more": len(tickets) > HISTORY_ROWS,
        "list_query": urlencode({field.removesuffix("_id"): obj.pk}),
    })


def customer_history(user, customer):
    return _section(user, _("Service requests"), "customer_id", customer, 10)


def site_history(user, site):
    return _section(user, _("Service requests"), "site_id", site, 10)


def asset_history(user, asset):
    """P5.7: the unit's maintenance archive."""
    return _section(user, _("Maintenance archive: service requests"), "asset_id", asset, 10)
