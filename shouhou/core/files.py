"""Names for stored evidence files that nobody can guess (issue 6, hardening).

Attachments and signature images are served only through their scoped views (tickets,
dispatch), never as static media; an unguessable name is the second lock if a storage path ever
leaks or a proxy is misconfigured to serve MEDIA_ROOT.  128 random bits, as a URL-safe hex string.
"""

from __future__ import annotations

import secrets

NAME_BITS = 128


def unguessable_name(extension: str) -> str:
    """`<32 hex digits>.<extension>` (the extension lower-cased, without its dot)."""
    extension = extension.lstrip(".").lower()
    stem = secrets.token_hex(NAME_BITS // 8)
    return f"{stem}.{extension}" if extension else stem
