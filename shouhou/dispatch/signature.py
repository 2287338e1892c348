"""Validation of drawn signatures (P10.4): what the signature pad posts must be a real, small PNG.

Pure functions without database access, so forms, the API and services share them.
"""

from __future__ import annotations

import base64
import binascii
import io

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from shouhou.core.errors import ServiceError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A signature pad at phone resolution is 10-60 KB; anything far bigger is not a signature.
DEFAULT_MAX_BYTES = 512 * 1024
MAX_SIDE = 4000
DATA_URL_PREFIX = "data:image/png;base64,"


def max_bytes() -> int:
    return int(getattr(settings, "SIGNATURE_MAX_BYTES", DEFAULT_MAX_BYTES))


def decode_signature(text: str | None) -> bytes | None:
    """Turn a PNG data URL (`data:image/png;base64,…`) or bare base64 into bytes.

    Returns None for empty input; raises ServiceError `signature_not_png` when the text is a
    data URL of another type or not base64 at all.
    """
    if not text:
        return None
    text = text.strip()
    if text.startswith("data:"):
        if not text.lower().startswith(DATA_URL_PREFIX):
            raise ServiceError("signature_not_png", _("The signature must be a PNG image."), "signature")
        text = text[len(DATA_URL_PREFIX):]
    # base64 grows by 4/3: refuse oversized input before decoding it.
    if len(text) > max_bytes() * 4 // 3 + 8:
        raise _too_large()
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError("signature_not_png", _("The signature must be a PNG image."), "signature") from None


def _too_large() -> ServiceError:
    return ServiceError(
        "signature_too_large",
        _("The signature image is larger than %(kb)s KB.") % {"kb": max_bytes() // 1024},
        "signature",
    )


def validate_signature_png(data: bytes | None) -> bytes:
    """Check that `data` is a real PNG within the size limit that is not blank.

    Error codes: `signature_required`, `signature_too_large`, `signature_not_png`,
    `signature_invalid` (claims to be PNG but does not decode), `signature_blank`.
    """
    if not data:
        raise ServiceError("signature_required", _("Please have the customer sign on the screen."), "signature")
    if len(data) > max_bytes():
        raise _too_large()
    if not data.startswith(PNG_MAGIC):
        raise ServiceError("signature_not_png", _("The signature must be a PNG image."), "signature")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or max(image.size) > MAX_SIDE:
                raise ServiceError("signature_invalid", _("The signature image is damaged."), "signature")
            extrema = image.convert("LA").getextrema()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ServiceError("signature_invalid", _("The signature image is damaged."), "signature") from None
    # Every pixel the same (an untouched pad): nothing was signed.
    if all(low == high for low, high in extrema):
        raise ServiceError("signature_blank", _("The signature is empty: please sign first."), "signature")
    return data
