"""Preview a registered document filled with its made-up sample values."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from .registry import DocumentNotFound, get_document
from .render import render_pdf


@login_required
def sample_pdf(request: HttpRequest, name: str) -> HttpResponse:
    """The document's sample as an inline PDF, in the user's language; 404 for an unknown document
    or one without a sample.  Sample values are made up, so any signed-in user may look."""
    try:
        template = get_document(name)
    except DocumentNotFound:
        raise Http404(name) from None
    if template.sample is None:
        raise Http404(name)
    response = HttpResponse(render_pdf(name, template.sample()), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-sample.pdf"'
    return response
