"""Asking the one permission registry (the `rules` package) from the ground floor.

accounts.permissions declares who may do what and registers every action with `rules` at
start-up; the foundation's base classes (ReferenceViewSet's write permission, the services'
`require`) ask the registry here, so core never imports the accounts app.  accounts.permissions
re-exports `may` and `require`: pages, services and exports keep asking there.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from .errors import REFUSED, PermissionDeniedError


def may(user, action: str, obj=None) -> bool:
    """The question every page, endpoint, service and export asks."""
    return rules.has_perm(action, user, obj)


def require(user, action: str, obj=None, message=None) -> None:
    """Refuse with the one refusal code unless `user` may take `action` (on `obj`)."""
    if not may(user, action, obj):
        raise PermissionDeniedError(REFUSED, message or _("You may not do this."))
