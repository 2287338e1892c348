"""Personal data shown to people: phone numbers masked for whoever does not need them (PIPL).

One rule, one function, used everywhere (templates through `{% phone %}` in core's `privacy`
tag library, API serializers, messages):

* `may_see_full_phone(user, record)` decides who sees a customer's or reporter's number in full;
* `phone_for(user, value, record)` returns the number as that user may see it;
* `mask_phone(value)` masks one number ("13812345678" → "138****5678");
* `mask_phones_in_text(text)` masks every phone number inside free text (group-chat messages
  never carry a number in full, whoever reads the group — notify.formats).

Pure Python, no Django import: notify.formats (pure) uses the masking functions too; the
predicate asks the `rules` registry (lazily imported).
"""

from __future__ import annotations

import re

# Mainland mobile numbers (optionally +86, optionally split 3-4-4) and landlines with an area
# code or a 400/800 service number.  Not preceded or followed by a Latin letter or a digit, so
# ticket numbers (SR00000123), serial numbers and dates are left alone.
_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
PHONE_IN_TEXT = re.compile(
    _EDGE_L + r"(?:(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}"
    r"|0\d{2,3}-\d{7,8}"
    r"|[48]00-?\d{3}-?\d{4})" + _EDGE_R
)


def mask_phone(value) -> str:
    """Keep the first three and the last four digits, star the ones between ("138****5678",
    "021-****5678"); numbers of fewer than eight digits keep only their last two."""
    text = str(value or "")
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if not digits:
        return text
    keep = set(digits[:3] + digits[-4:]) if len(digits) >= 8 else set(digits[-2:])
    return "".join("*" if i in digits and i not in keep else ch for i, ch in enumerate(text))


def mask_phones_in_text(text) -> str:
    """`text` with every phone number in it masked (see PHONE_IN_TEXT)."""
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), str(text or ""))


FULL_PHONE = "customer.view_full_phone"  # the permission layer's action (accounts.permissions)


def may_see_full_phone(user, record=None) -> bool:
    """Who sees customers' and reporters' phone numbers in full — the one predicate.

    Declared in the permission layer as the action "customer.view_full_phone" (docs/permissions.md):
    - the service desk, dispatchers and administrators, always (scope "all"): they register
      reports, call back and dispatch;
    - the engineer assigned to `record` (a ticket), for that job (scope "own");
    - dealer staff of the dealer assigned to `record` or serving its customer (a ticket, a
      customer or a contact's customer; scope "organisation").
    Everyone else sees masked numbers.  `record` is a ticket or a customer (or None: only scope
    "all" then).  core is the lowest app and never imports accounts: it asks the rules registry,
    which accounts.permissions fills (no registered rule — no full numbers).
    """
    import rules

    return bool(rules.has_perm(FULL_PHONE, user, record))


def phone_for(user, value, record=None) -> str:
    """`value` as `user` may see it: in full, or masked (see may_see_full_phone)."""
    if not value:
        return ""
    return str(value) if may_see_full_phone(user, record) else mask_phone(value)
