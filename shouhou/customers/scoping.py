"""How the permission layer's scopes reach records that belong to a customer.

accounts.permissions decides which scope a user has for an action; this module turns a scope
into a filter on Customer (reached through a prefix), and every customer-owned model's
visible_to() builds on it:
- all          — every customer;
- organisation — a dealer's staff: the customers their dealer serves; a customer user: their own;
- own / team   — not meaningful for reference data: nothing (the matrix test checks no role is
                 declared so).
Tenant keys match exactly (an id equality), never by name or prefix.
"""

from __future__ import annotations

from django.db.models import Q

from shouhou.accounts import permissions

NOTHING = Q(pk__in=[])


def organisation_q(user, prefix: str = "") -> Q:
    """Customers of the user's organisation: those a dealer serves, or a customer organisation's own."""
    kind = permissions.organisation_kind(user)
    if kind == permissions.DEALER:
        return Q(**{f"{prefix}dealer_id": user.organisation_id})
    if kind == permissions.CUSTOMER:
        return Q(**{f"{prefix}organisation_id": user.organisation_id})
    return NOTHING


def customer_scope_q(user, scope: str, prefix: str = "") -> Q:
    """The filter on Customer (through `prefix`) for `scope`."""
    if scope == permissions.ALL:
        return Q()
    if scope == permissions.ORGANISATION:
        return organisation_q(user, prefix)
    return NOTHING


def customer_in_scope(user, scope: str, customer) -> bool:
    """customer_scope_q answered for one loaded customer, without a query."""
    if scope == permissions.ALL:
        return True
    if scope != permissions.ORGANISATION:
        return False
    kind = permissions.organisation_kind(user)
    if kind == permissions.DEALER:
        return customer.dealer_id == user.organisation_id
    if kind == permissions.CUSTOMER:
        return customer.organisation_id == user.organisation_id
    return False


def organisation_in_q(user, field: str = "customer") -> Q:
    """The organisation scope for a large table holding a `field` foreign key to Customer:
    `field IN (the organisation's customers)` instead of a join, so PostgreSQL can filter and
    count from an index on that table alone (the million-row ticket list)."""
    from .models import Customer  # the models module imports this one

    rule = organisation_q(user)
    if rule == NOTHING:
        return rule
    return Q(**{f"{field}__in": Customer.objects.filter(rule).values("pk")})


class ScopedQuerySet:
    """Mixin for querysets of records that belong to a customer through `customer_path`.

    `view_action` is the permission-layer action whose scope decides what visible_to() returns.
    """

    customer_path = "customer__"
    view_action = "customer.view"
    supported_scopes = frozenset({permissions.ALL, permissions.ORGANISATION})

    def scope_q(self, user, scope: str) -> Q:
        return customer_scope_q(user, scope, self.customer_path)

    def visible_to(self, user):
        return permissions.scope_filter(user, self.view_action, self)
