"""Answers to a locked-out login (django-axes; issue 6, hardening: login rate limit).

After AXES_FAILURE_LIMIT wrong passwords for one user name from one address, the login page and
the token endpoint answer 429 for AXES_COOLOFF_TIME, even with the right password.  Axes logs the
lockout (logger "axes", warning) and records it in the admin (Access attempts / Access failures).
The API gets JSON, people get the site's own page in their language.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return max(1, int(cooloff.total_seconds() // 60)) if cooloff else 0


def lockout_response(request, original_response=None, credentials=None):
    """429 with how long to wait: JSON under /api/, the locked-out page elsewhere."""
    minutes = cooloff_minutes()
    detail = _("Too many failed logins. Try again in %(minutes)s minutes or ask an administrator to unlock the "
               "account.") % {"minutes": minutes}
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "locked_out", "detail": detail, "retry_after_minutes": minutes},
                                status=status)
    else:
        response = render(request, "registration/locked_out.html", {"detail": detail}, status=status)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response
