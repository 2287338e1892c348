"""Where the documents' font comes from, and which characters it can draw.

The default is Noto Sans SC (SIL Open Font License), installed from the package registry with the
project (pylopdf-fonts-zh-cn) so a machine with nothing but Python prints Chinese; a deployment
may point DOCUMENT_FONT at another TrueType/OpenType file (a company typeface).  Only the glyphs a
document uses are embedded (subset), so any viewer shows it without the font (ADR 0007).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont


def font_path() -> Path:
    configured = getattr(settings, "DOCUMENT_FONT", "")
    if configured:
        return Path(configured)
    import pylopdf_fonts_zh_cn

    return pylopdf_fonts_zh_cn.sans_path()


@lru_cache(maxsize=4)
def _codepoints(path: Path) -> frozenset[int]:
    font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def missing_characters(text: str, path: Path | None = None) -> list[str]:
    """The characters of ``text`` the font has no glyph for (in order, once each); whitespace and
    control characters are laid out, not drawn, and never count."""
    codepoints = _codepoints(path or font_path())
    missing: dict[str, None] = {}
    for char in text:
        if not char.isspace() and char.isprintable() and ord(char) not in codepoints:
            missing[char] = None
    return list(missing)
