"""Authentication backends: the login rate limit (django-axes; issue 6, hardening) and the password
backend, which never lets the system actor log in (issue 6, permissions)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .choices import Role


class RateLimitBackend(AxesStandaloneBackend):
    """Axes' check before the password backend; a call without a request is left to the next one.

    Every login people or programs make (the login page, /api/v1/auth/token/, the admin) passes
    its request, so each is counted and locked out.  Only in-process calls without a request
    (Django's test client `login()`, a shell) have no client address to count, and axes would
    refuse them outright.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AccountBackend(ModelBackend):
    """Password login as usual; the system user (role "system") is refused even with a password set."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and getattr(user, "role", None) != Role.SYSTEM
