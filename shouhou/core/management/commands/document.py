"""`shouhou document NAME` — print a registered document's sample to a PDF file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shouhou.core.documents import DocumentNotFound, document_names, get_document, render_pdf


class Command(BaseCommand):
    help = "Render a document's sample to PDF (shouhou document --list shows the documents)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="document name, e.g. sample_service_record")
        parser.add_argument("-o", "--output", help="PDF file to write (default: NAME-sample.pdf)")
        parser.add_argument("--language", help="language code, e.g. zh-hans or en (default: the site's)")
        parser.add_argument("--list", action="store_true", help="list the registered documents")

    def handle(self, *args, name=None, output=None, language=None, list=False, **options):
        if list or not name:
            for known in document_names():
                self.stdout.write(known)
            return
        try:
            template = get_document(name)
        except DocumentNotFound:
            raise CommandError(f"no document named {name!r}; known: {', '.join(document_names())}") from None
        if template.sample is None:
            raise CommandError(f"{name!r} has no sample values")
        target = Path(output or f"{name}-sample.pdf")
        target.write_bytes(render_pdf(name, template.sample(), language=language))
        self.stdout.write(f"{target} ({target.stat().st_size} bytes)")
