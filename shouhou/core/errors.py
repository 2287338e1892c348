"""Domain errors with stable machine-readable codes and translated messages (style rule 9)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

# The one refusal code: every "you may not" answers with it, from a service, a permission class or
# a page (issue 6).  accounts.permissions raises it; the API maps it to 403 JSON.
REFUSED = "not_permitted"


class ServiceError(Exception):
    """A service refused a change.  `code` is stable for API clients; `message` is for people.

    `field` names the offending input field, when there is one, so forms and the API can
    attach the message to it.
    """

    status_code = 400

    def __init__(self, code: str, message, field: str | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field


class PermissionDeniedError(ServiceError, PermissionDenied):
    """A refusal by the permission layer (accounts.permissions): always the code "not_permitted".

    Also a Django PermissionDenied, so a page that lets it through answers 403 like the API.
    """

    status_code = 403


class ConflictError(ServiceError):
    """The record changed since the caller read it (optimistic locking): HTTP 409."""

    status_code = 409


class UnprocessableError(ServiceError):
    """Well-formed but refused as it stands (e.g. an Idempotency-Key reused for another body): HTTP 422."""

    status_code = 422
