"""Render a registered document to PDF bytes with fpdf2 (pure Python; ADR 0007).

One look for every document: the company name over every page, the title and the document's
number, blocks top to bottom, page numbers ("第 1 页，共 2 页") at the foot.  Text is set in the
font of fonts.py, subset-embedded; a character that font cannot draw stops the rendering
(MissingGlyphs) instead of leaving a hole in a record the customer signs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.template import Variable, VariableDoesNotExist
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from .fonts import font_path, missing_characters
from .layout import DocumentTemplate, Fields, Kind, Signatures, Table, Text
from .registry import get_document

FONT = "doc"
LABEL_FILL = (242, 242, 242)
SIGNATURE_HEIGHT = 22  # mm for the signature image


class MissingGlyphs(ValueError):
    """The document's font has no glyph for some characters of the text being printed."""

    def __init__(self, characters: list[str]):
        self.characters = characters
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in characters)
        super().__init__(f"the document font cannot draw {shown}")


def render_pdf(name: str, context: Mapping[str, Any], *, language: str | None = None) -> bytes:
    """The PDF of document ``name`` filled from ``context``, in ``language`` (default: the
    active one).  Raises DocumentNotFound, MissingGlyphs, or KeyError for a key the context lacks."""
    template = get_document(name)
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        pdf = _DocumentPDF(template)
        pdf.add_page()
        _draw_number(pdf, template, context)
        for block in template.blocks:
            _DRAW[type(block)](pdf, block, context)
        return bytes(pdf.output())


def lookup(context: Mapping[str, Any], key: str) -> Any:
    """``context``'s value at the dotted path ``key``, resolved as a Django template would."""
    try:
        return Variable(key).resolve(context)
    except VariableDoesNotExist:
        raise KeyError(key) from None


def format_value(value: Any, kind: Kind = "text") -> str:
    """The printed form of a value in the active language: money from Decimal in the site's
    currency (a float is refused: money is never a float), dates in the site's time zone."""
    if value is None or value == "":
        return ""
    locale = translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)
    if kind in ("money", "number"):
        if isinstance(value, float):
            raise TypeError(f"{value!r}: amounts are Decimal, never float")
        amount = Decimal(value)
        if kind == "number":
            return format_decimal(amount, locale=locale)
        return format_currency(amount, getattr(settings, "CURRENCY", "CNY"), locale=locale)
    if kind == "datetime":
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if kind == "date":
        return date_format(value, "DATE_FORMAT")
    return str(value)


def labelled(label: Any) -> str:
    # Translators: a form label in a box of its own; Chinese uses the full-width colon.
    return _("%(label)s:") % {"label": label}


def label_value(label: Any, value: str) -> str:
    # Translators: a label and its value on one line; Chinese uses the full-width colon, no space.
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


class _DocumentPDF(FPDF):
    """fpdf2 with the house look, page numbers, and a glyph check on every text it sets."""

    def __init__(self, template: DocumentTemplate):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.template = template
        self.font_file = font_path()
        self.company = str(getattr(settings, "COMPANY_NAME", "") or _("After-sales service"))
        self.wrapmode = WrapMode.CHAR if translation.get_language().startswith("zh") else WrapMode.WORD
        self.add_font(FONT, fname=str(self.font_file))
        self.set_font(FONT, size=10)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(str(template.title))
        self.set_creator("shouhou")
        self.set_lang(translation.get_language())
        self.alias_nb_pages()

    def normalize_text(self, text: str) -> str:
        missing = missing_characters(text, self.font_file)
        if missing:
            raise MissingGlyphs(missing)
        return super().normalize_text(text)

    def header(self) -> None:
        self.set_font(FONT, size=9)
        self.set_text_color(90)
        self.cell(0, 6, self.company, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_text_color(0)
        self.set_font(FONT, size=10)
        self.ln(4)
        if self.page_no() == 1:
            self._title()

    def _title(self) -> None:
        self.set_font(FONT, size=18)
        self.cell(0, 10, str(self.template.title), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=10)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=9)
        self.set_text_color(90)
        text = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
        self.cell(0, 6, text, align="C")
        self.set_text_color(0)

    def heading(self, text: Any) -> None:
        if text:
            self.ln(3)
            self.set_font(FONT, size=12)
            self.cell(0, 8, str(text), new_x="LMARGIN", new_y="NEXT")
            self.set_font(FONT, size=10)


def _draw_number(pdf: _DocumentPDF, template: DocumentTemplate, context: Mapping[str, Any]) -> None:
    if template.number_key:
        text = label_value(template.number_label or _("No."), format_value(lookup(context, template.number_key)))
        pdf.cell(0, 6, text, align="R",
                 new_x="LMARGIN", new_y="NEXT")


def _draw_fields(pdf: _DocumentPDF, block: Fields, context: Mapping[str, Any]) -> None:
    widths = (1, 2) * block.columns
    with pdf.table(col_widths=widths, first_row_as_headings=False, wrapmode=pdf.wrapmode,
                   text_align="LEFT", line_height=6, padding=1.5) as table:
        for start in range(0, len(block.items), block.columns):
            row = table.row()
            chunk = block.items[start:start + block.columns]
            for item in chunk:
                row.cell(labelled(item.label), style=FontFace(fill_color=LABEL_FILL))
                row.cell(format_value(lookup(context, item.key), item.kind))
            if len(chunk) < block.columns:
                row.cell("", colspan=2 * (block.columns - len(chunk)))
    pdf.ln(2)


def _align(kind: Kind, align: str | None) -> str:
    return align or ("RIGHT" if kind in ("money", "number") else "LEFT")


def _draw_table(pdf: _DocumentPDF, block: Table, context: Mapping[str, Any]) -> None:
    pdf.heading(block.heading)
    rows = list(lookup(context, block.key) or [])
    columns = block.columns
    heading_style = FontFace(emphasis="", fill_color=LABEL_FILL)
    with pdf.table(col_widths=[c.width for c in columns], headings_style=heading_style, wrapmode=pdf.wrapmode,
                   text_align=[_align(c.kind, c.align) for c in columns], line_height=6, padding=1.5) as table:
        header = table.row()
        for column in columns:
            header.cell(str(column.label), align="CENTER")
        for item in rows:
            row = table.row()
            for column in columns:
                row.cell(format_value(lookup(item, column.key), column.kind))
        if not rows and block.empty:
            table.row().cell(str(block.empty), colspan=len(columns), align="CENTER")
        if block.total_key:
            row = table.row()
            row.cell(str(block.total_label or _("Total")), colspan=len(columns) - 1, align="RIGHT")
            row.cell(format_value(lookup(context, block.total_key), block.total_kind))
    pdf.ln(2)


def _draw_text(pdf: _DocumentPDF, block: Text, context: Mapping[str, Any]) -> None:
    pdf.heading(block.label)
    pdf.multi_cell(0, 6, format_value(lookup(context, block.key)) or " ", border=1, padding=2,
                   wrapmode=pdf.wrapmode, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _image_source(value: Any) -> Any:
    """What fpdf2 can place: a path, or the bytes of an uploaded/in-memory image."""
    if isinstance(value, (str, Path)):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return io.BytesIO(value)
    if hasattr(value, "open") and hasattr(value, "read"):  # a Django FieldFile
        value.open("rb")
        try:
            return io.BytesIO(value.read())
        finally:
            value.close()
    return value  # a PIL image or a file object


def _draw_signatures(pdf: _DocumentPDF, block: Signatures, context: Mapping[str, Any]) -> None:
    height = 8 + SIGNATURE_HEIGHT + 14
    if pdf.will_page_break(height + 4):
        pdf.add_page()
    pdf.ln(4)
    width = pdf.epw / len(block.slots)
    top = pdf.get_y()
    for index, slot in enumerate(block.slots):
        x = pdf.l_margin + index * width
        pdf.rect(x, top, width, height)
        pdf.set_xy(x + 2, top + 1)
        pdf.cell(width - 4, 6, labelled(slot.label))
        image = lookup(context, slot.image_key)
        if image:
            pdf.image(_image_source(image), x=x + 4, y=top + 8, w=width - 8, h=SIGNATURE_HEIGHT,
                      keep_aspect_ratio=True)
        else:
            pdf.set_text_color(150)
            pdf.set_xy(x + 2, top + 8)
            pdf.cell(width - 4, SIGNATURE_HEIGHT, _("(awaiting signature)"), align="C")
            pdf.set_text_color(0)
        lines = []
        if slot.name_key:
            lines.append(label_value(_("Signed by"), format_value(lookup(context, slot.name_key))))
        if slot.date_key:
            lines.append(label_value(_("Date"), format_value(lookup(context, slot.date_key), "date")))
        for offset, line in enumerate(lines):
            pdf.set_xy(x + 2, top + 8 + SIGNATURE_HEIGHT + offset * 6)
            pdf.cell(width - 4, 6, line)
    pdf.set_xy(pdf.l_margin, top + height + 2)


_DRAW: dict[type, Any] = {
    Fields: _draw_fields,
    Table: _draw_table,
    Text: _draw_text,
    Signatures: _draw_signatures,
}

