"""One document pipeline for every PDF the product prints (ADR 0007).

    from shouhou.core.documents import DocumentTemplate, Fields, Field, register, render_pdf

    register(DocumentTemplate(name="quote", title=_("Quote"), blocks=(Fields(...), Table(...))))
    pdf_bytes = render_pdf("quote", context)

Apps declare their documents in ``shouhou/<app>/documents.py``; the registry finds them.
Tests check the output with ``shouhou.core.documents.testing``.
"""

from . import samples  # noqa: F401  (registers the sample document)
from .layout import Column, DocumentTemplate, Field, Fields, Signature, Signatures, Table, Text
from .registry import DocumentNotFound, document_names, get_document, register
from .render import MissingGlyphs, format_value, render_pdf

__all__ = [
    "Column", "DocumentNotFound", "DocumentTemplate", "Field", "Fields", "MissingGlyphs", "Signature",
    "Signatures", "Table", "Text", "document_names", "format_value", "get_document", "register", "render_pdf",
]
