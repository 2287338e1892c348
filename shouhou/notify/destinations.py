"""Where a webhook may point: never into our own network (SSRF; issue 6, hardening).

A webhook URL is typed by an administrator, but the request leaves from the server: pointed at
127.0.0.1, 10.x, 169.254.169.254 (a cloud's metadata service) or fd00::/8 it would let the
outbox probe and call services that only the server can reach.  So:

- at save (model, admin form, services) `check_url` refuses literal private, loopback,
  link-local, multicast, reserved and unspecified addresses and the names ``localhost`` /
  ``*.localhost`` — no DNS lookup there (names are checked where they are used);
- at delivery `resolve` looks the host up, checks **every** address it resolves to, and the
  transport connects to one of exactly those addresses (no second lookup to rebind);
- redirects are never followed (transport.py).

``NOTIFY_WEBHOOK_ALLOW_LOOPBACK`` (default: on in DEBUG, off otherwise) allows 127.0.0.0/8 and
::1 for tests and receivers on the same machine; ``NOTIFY_WEBHOOK_ALLOWED_NETWORKS`` (CIDRs, comma
separated) allows an on-premise receiver's network, e.g. ``10.20.0.0/16``.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REFUSED = _("Webhook URLs may not point to private, loopback or link-local addresses.")


def allowed_networks() -> list:
    return [ipaddress.ip_network(net.strip(), strict=False)
            for net in getattr(settings, "NOTIFY_WEBHOOK_ALLOWED_NETWORKS", ()) if str(net).strip()]


def address_allowed(address: str) -> bool:
    """True for a public address, or one the settings allow (loopback, listed networks)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allowed_networks()):
        return True
    if ip.is_loopback:
        return bool(getattr(settings, "NOTIFY_WEBHOOK_ALLOW_LOOPBACK", False))
    return ip.is_global and not ip.is_multicast


def _host(url: str) -> str:
    return (urlsplit(url or "").hostname or "").rstrip(".").lower()


def check_url(url: str) -> None:
    """Refuse a URL whose host is a literal non-public address or a localhost name (no DNS)."""
    host = _host(url)
    if host == "localhost" or host.endswith(".localhost"):
        host = "127.0.0.1"
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return  # a name: checked against what it resolves to when the message is sent
    if not address_allowed(str(literal)):
        raise ValidationError(REFUSED, code="private_destination")


def resolve(url: str) -> list[str]:
    """Every address the URL's host resolves to; ValidationError when any of them is refused."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    check_url(url)
    infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise ValidationError(REFUSED, code="private_destination")
    return addresses
