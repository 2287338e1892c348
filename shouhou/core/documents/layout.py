"""The declarative layout of a printed document: what a later app declares to add a document.

A document is a title and a sequence of blocks.  Each block names the context keys it reads
(dotted paths such as ``visit.ticket.number``, resolved as Django templates resolve them) and the
translatable labels it prints; the renderer (render.py) decides fonts, borders and page breaks, so
every document the product prints looks like one family.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# How a value is turned into text (render.format_value): money from Decimal, dates in the site's zone.
Kind = Literal["text", "number", "money", "date", "datetime"]
Align = Literal["LEFT", "CENTER", "RIGHT"]


@dataclass(frozen=True)
class Field:
    """One labelled value: ``label：value``."""

    label: Any  # a (lazy) translatable string
    key: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Fields:
    """A grid of labelled values (the header of a form), ``columns`` to a row."""

    items: tuple[Field, ...]
    columns: int = 2


@dataclass(frozen=True)
class Column:
    """One column of a table: heading, the key read from each row, relative width."""

    label: Any
    key: str
    kind: Kind = "text"
    width: float = 1.0
    align: Align | None = None  # None: numbers and money right, text left


@dataclass(frozen=True)
class Table:
    """Rows read from ``context[key]`` (a list of mappings or objects); an optional total row
    prints ``context[total_key]`` under the last column, labelled ``total_label``."""

    key: str
    columns: tuple[Column, ...]
    heading: Any = None
    total_label: Any = None
    total_key: str | None = None
    total_kind: Kind = "money"
    empty: Any = None  # printed as one row when there are no rows


@dataclass(frozen=True)
class Text:
    """A heading and a paragraph of free text (wrapped character by character, as Chinese is)."""

    label: Any
    key: str


@dataclass(frozen=True)
class Signature:
    """One signature box: the signature image (bytes, a file or a path; a placeholder when
    empty), the signer's printed name and the date signed."""

    label: Any
    image_key: str
    name_key: str | None = None
    date_key: str | None = None


@dataclass(frozen=True)
class Signatures:
    """Signature boxes side by side at the foot of the document; never split over a page."""

    slots: tuple[Signature, ...]


Block = Fields | Table | Text | Signatures


@dataclass(frozen=True)
class DocumentTemplate:
    """A document the product prints.  ``name`` is how callers ask for it
    (``render_pdf(name, context)``); ``number_key`` prints the document's own number under the
    title; ``sample`` builds a context with made-up values so the document can be previewed and
    tested before the app that prints it has data."""

    name: str
    title: Any
    blocks: tuple[Block, ...]
    number_key: str | None = None
    number_label: Any = None
    sample: Callable[[], Mapping[str, Any]] | None = field(default=None, compare=False)
