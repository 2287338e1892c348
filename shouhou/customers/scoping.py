"""The one rule for who sees which customer's records; every model's visible_to() builds on it.

- internal staff (our company's roles) see every customer;
- dealer staff see the customers their dealer serves;
- customer users see their own customer only;
- anyone else (inactive, anonymous, a role with no organisation) sees nothing.
Tenant keys match exactly (an id equality), never by name or prefix.
"""

from __future__ import annotations

from django.db.models import Q

NOTHING = Q(pk__in=[])


def customer_q(user, prefix: str = "") -> Q:
    """A filter on Customer reached through `prefix` (e.g. "site__customer__") for `user`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_internal:
        return Q()
    if user.is_dealer:
        return Q(**{f"{prefix}dealer_id": user.organisation_id})
    if user.is_customer_user:
        return Q(**{f"{prefix}organisation_id": user.organisation_id})
    return NOTHING


def customer_in_q(user, field: str = "customer") -> Q:
    """The same rule as customer_q, for a large table holding a `field` foreign key to Customer:
    `field IN (the user's customers)` instead of a join, so PostgreSQL can filter and count from
    an index on that table alone (the million-row ticket list)."""
    from .models import Customer  # the models module imports this one

    rule = customer_q(user)
    if rule == Q() or rule == NOTHING:
        return rule
    return Q(**{f"{field}__in": Customer.objects.filter(rule).values("pk")})


class ScopedQuerySet:
    """Mixin for querysets of records that belong to a customer through `customer_path`."""

    customer_path = "customer__"

    def visible_to(self, user):
        return self.filter(customer_q(user, self.customer_path))
