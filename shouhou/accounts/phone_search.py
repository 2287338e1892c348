"""Searching by phone number without confirming a number one only sees masked (issue 6, PIPL).

A search that matched a full phone number would tell a user who sees "138****5678" that the
reporter's number is 13812345678.  So a search term made of digits only (spaces, "-", "+" and
brackets ignored) — a phone number or a piece of one — is matched against phone numbers and free
text only on the records whose numbers the user sees in full ("customer.view_full_phone" and its
scope).  Elsewhere it matches a phone number only by its last four digits, which every masked
number shows ("5678" finds "138****5678"); longer digit strings find nothing there.  Terms with
letters are searched as usual (names, titles, addresses; never a phone field, since no phone
number contains letters).  Documented in docs/limits.md ("Searching by phone number").
"""

from __future__ import annotations

import re

from django.db.models import CharField, Func, Q

from .permissions import ALL, scope_of

FULL_PHONE = "customer.view_full_phone"
NOTHING = Q(pk__in=[])
_SEPARATORS = re.compile(r"[\s\-+()（）]")
VISIBLE_DIGITS = 4  # a masked number shows its last four digits (core.privacy.mask_phone)


def digits_only(value: str) -> str | None:
    """The digits of `value` when it is made of digits (and separators) only, else None."""
    compact = _SEPARATORS.sub("", value or "")
    return compact if compact.isdigit() else None


def _contains(fields, value) -> Q:
    rule = NOTHING
    for field in fields:
        rule |= Q(**{f"{field}__icontains": value})
    return rule


def search_q(user, queryset, value: str, *, phone_fields=(), text_fields=()) -> Q:
    """The search condition for `value` over `text_fields` (names, titles, descriptions …) and
    `phone_fields`, as `user` may search them; `queryset` judges the scope (its `scope_q`)."""
    digits = digits_only(value)
    if digits is None:  # letters in it: no phone number can match; search the text as usual
        return _contains(text_fields, value)
    everything = _contains((*text_fields, *phone_fields), value) | _contains(phone_fields, digits)
    scope = scope_of(user, FULL_PHONE)
    if scope == ALL:
        return everything
    rule = everything & queryset.scope_q(user, scope) if scope is not None else NOTHING
    if len(digits) <= VISIBLE_DIGITS:
        for field in phone_fields:
            rule |= Q(**{f"{field}__endswith": digits})
    return rule


class PhoneTail(Func):
    """The last four characters of a phone column, as one SQL expression with no parameters, so
    the expression indexes on it (customer_phone_tail, contact_phone_tail,
    ticket_reporter_phone_tail) serve the lookups written with it (tickets.caller): a database
    uses an index on an expression only when the query spells the same expression."""

    template = f"RIGHT(%(expressions)s, {VISIBLE_DIGITS})"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template=f"SUBSTR(%(expressions)s, -{VISIBLE_DIGITS})",
                           **extra_context)
