"""Read a rendered PDF back as a reader would, for tests of every document the product prints.

    assert_pdf_text(pdf, "服务记录单 记录编号：FW-… 第 1 页，共 1 页")
    assert glyph_problems(pdf, expected=text) == []

`pdf_text` extracts what a viewer's copy/search sees; `glyph_problems` looks at every character
the PDF sets and reports what a viewer would not show: a font that is not embedded (a viewer
without that font shows boxes — the ReportLab CID-font case), a character the embedded font has no
glyph for (or that is absent although expected), a glyph region that renders blank, and distinct
characters that all draw one shape (the .notdef "tofu" box).  Uses PDFium (pypdfium2, a registry
package with no system dependencies) for text, fonts and the rendered page.
"""

from __future__ import annotations

import ctypes
import difflib
import re
from typing import Any, cast

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL.Image import Image

RENDER_SCALE = 2.0  # 144 dpi: every CJK glyph at 10 pt covers ~20 × 20 pixels
INK = 200  # a pixel darker than this is ink; the light fills of table headings are not


def normalise(text: str) -> str:
    """Whitespace runs become one space, so expectations need not know where lines break."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(pdf: bytes) -> str:
    """The text of every page (lines end in "\n"), pages separated by a newline."""
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range().replace("\r\n", "\n") for page in document)
    finally:
        document.close()


def assert_pdf_text(pdf: bytes, expected: str) -> None:
    """The PDF reads exactly ``expected`` (whitespace normalised); the failure shows a diff."""
    actual, wanted = normalise(pdf_text(pdf)), normalise(expected)
    if actual != wanted:
        diff = "\n".join(difflib.unified_diff(wanted.split(" "), actual.split(" "), "expected", "pdf", lineterm=""))
        raise AssertionError(f"the PDF does not read as expected:\n{diff}")


def _font_name(font: Any) -> str:  # an FPDF_FONT handle
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


def _outline(font: Any, char: str) -> tuple | None:
    """The glyph's outline as the embedded font draws it, or None when it has no glyph for ``char``."""
    path = pdfium_c.FPDFFont_GetGlyphPath(font, ord(char), 10.0)
    if not path:
        return None
    points = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(pdfium_c.FPDFGlyphPath_CountGlyphSegments(path)):
        segment = pdfium_c.FPDFGlyphPath_GetGlyphPathSegment(path, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        points.append((round(x.value, 2), round(y.value, 2), pdfium_c.FPDFPathSegment_GetType(segment)))
    return tuple(points) or None


def _has_ink(image: Image, box: tuple[float, float, float, float], page_height: float) -> bool:
    left, bottom, right, top = box
    crop = image.crop((int(left * RENDER_SCALE) - 1, int((page_height - top) * RENDER_SCALE) - 1,
                       int(right * RENDER_SCALE) + 2, int((page_height - bottom) * RENDER_SCALE) + 2))
    darkest, _ = cast(tuple[int, int], crop.getextrema())  # a grey image: (darkest, lightest)
    return darkest < INK


def glyph_problems(pdf: bytes, expected: str | None = None) -> list[str]:
    """What a viewer would not show, one line per problem (empty: every character is drawn).

    ``expected``: text the PDF should show; each of its characters must be set in some embedded
    font (a producer that drops a glyph it lacks leaves no other trace)."""
    problems: list[str] = []
    shown: set[str] = set()
    shapes: dict[tuple, str] = {}
    document = pdfium.PdfDocument(pdf)
    try:
        for number, page in enumerate(document, start=1):
            textpage = page.get_textpage()
            image = page.render(scale=RENDER_SCALE, grayscale=True).to_pil().convert("L")
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                text_object = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
                if not char or char.isspace() or not text_object:
                    continue  # spaces, and line breaks PDFium adds between text objects
                font = pdfium_c.FPDFTextObj_GetFont(text_object)
                where = f"page {number}: {char!r} (U+{ord(char):04X})"
                if not pdfium_c.FPDFFont_GetIsEmbedded(font):
                    problems.append(f"{where} is set in {_font_name(font)}, a font the PDF does not embed")
                    continue
                outline = _outline(font, char)
                if outline is None:
                    problems.append(f"{where} has no glyph in the embedded font {_font_name(font)}")
                    continue
                other = shapes.setdefault((_font_name(font), outline), char)
                if other != char:
                    problems.append(f"{where} draws the same shape as {other!r}: a missing-glyph box")
                if not _has_ink(image, textpage.get_charbox(index), page.get_height()):
                    problems.append(f"{where} renders blank")
                shown.add(char)
    finally:
        document.close()
    problems = list(dict.fromkeys(problems))  # a character repeated on a page is one problem
    for char in dict.fromkeys(expected or ""):
        if not char.isspace() and char not in shown:
            problems.append(f"{char!r} (U+{ord(char):04X}) is expected but no embedded font in the PDF draws it")
    return problems
