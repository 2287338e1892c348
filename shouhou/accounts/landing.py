"""Where each role lands after logging in (issue 10): the page its daily work starts from.

The engineer's day is his job list (phone-first), a dealer's outlet works from its requests, a
customer from the dashboard that shows what waits for his confirmation and his open requests; the
desk, dispatchers and everyone else from the dashboard.  URL names, not imports: accounts is the
lowest floor and the pages live in higher apps.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from .choices import Role
from .permissions import role_of

LANDING = {
    Role.ENGINEER: "dispatch:my_jobs",
    Role.DEALER_STAFF: "tickets:list",
    Role.CUSTOMER_USER: "dashboard",
}
DEFAULT_LANDING = "dashboard"


def landing_url(user) -> str:
    name = LANDING.get(role_of(user), DEFAULT_LANDING)
    try:
        return reverse(name)
    except NoReverseMatch:  # a page whose app is not installed
        return reverse(DEFAULT_LANDING)


@login_required
def home(request):
    """LOGIN_REDIRECT_URL and the brand link: the user's own landing page."""
    return redirect(landing_url(request.user))
