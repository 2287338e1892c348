"""Values shown to people, formatted once for every page, e-mail and document."""

from __future__ import annotations

from django.utils.translation import gettext as _


def duration(seconds) -> str:
    """Seconds as "2 d 3 h 5 min" (translated), rounded to the minute, sign dropped; "—" for None."""
    if seconds is None or seconds == "":
        return "—"
    total = int(round(abs(float(seconds)) / 60))
    days, rest = divmod(total, 1440)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)s d") % {"n": days})
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if minutes or not parts:
        parts.append(_("%(n)s min") % {"n": minutes})
    return " ".join(parts)


def absolute_url(path: str) -> str:
    """`path` on the site's public address (settings.SITE_URL), for links that leave the site in
    e-mail, SMS and chat; unchanged when it is already absolute or no address is configured."""
    from django.conf import settings

    if not path or "://" in path or not getattr(settings, "SITE_URL", ""):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)
