"""The registry of printable documents: apps add theirs by declaring a template.

An app declares its documents in ``shouhou/<app>/documents.py`` with ``register(DocumentTemplate(...))``;
the registry imports every installed app's ``documents`` module the first time a document is asked
for (as the admin discovers ``admin.py``), so ``core`` never imports a domain app.
"""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

from .layout import DocumentTemplate

_documents: dict[str, DocumentTemplate] = {}
_discovered = False


class DocumentNotFound(LookupError):
    """No document is registered under that name."""


def register(template: DocumentTemplate) -> DocumentTemplate:
    """Add a document; a second template under the same name is a mistake and is refused."""
    existing = _documents.get(template.name)
    if existing is not None and existing != template:
        raise ValueError(f"a document named {template.name!r} is already registered")
    _documents[template.name] = template
    return template


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("documents")


def get_document(name: str) -> DocumentTemplate:
    _discover()
    try:
        return _documents[name]
    except KeyError:
        raise DocumentNotFound(name) from None


def document_names() -> list[str]:
    _discover()
    return sorted(_documents)
