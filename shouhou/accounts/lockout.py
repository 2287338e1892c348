"""Answers to a locked-out login (django-axes; issue 6, hardening: login rate limit).

After AXES_FAILURE_LIMIT wrong passwords for one user name from one address, the login page and
the token endpoint answer 429 for AXES_COOLOFF_TIME, even with the right password.  Axes logs the
lockout (logger "axes", warning) and records it in the admin (Access attempts / Access failures).
The API gets JSON, people get the site's own page in their language.

The lock is per user name *and* client address, so a stranger who types a known user name
wrongly locks out only himself.  Behind reverse proxies that address must be the client's, not
the proxy's (or anyone could lock a known user out for everybody): `client_address` reads it from
X-Forwarded-For, trusting exactly TRUSTED_PROXY_COUNT proxies.  django-ipware (axes' optional
helper) was tried and does not fit: its proxy count expects every proxy to list itself in the
header, which nginx, HAProxy and Traefik do not do, and its lenient mode takes the left-most
entry, which the client writes.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_address(request) -> str | None:
    """The client's address for the lockout (AXES_CLIENT_IP_CALLABLE).

    With N = TRUSTED_PROXY_COUNT proxies in front, each appending the address it received the
    request from, X-Forwarded-For ends in "client, proxy1, …, proxyN-1" and REMOTE_ADDR is proxy N:
    the client is the N-th entry from the right.  Anything left of it is the client's own claim.
    A request with fewer entries did not come through the proxies: REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    entries = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


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
