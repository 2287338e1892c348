"""The login rate limit as an authentication backend (django-axes; issue 6, hardening)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


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
