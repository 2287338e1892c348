"""Out-of-range request parameters answer 400 naming the parameter, never 500 (issue 6, hardening).

One middleware guards every page and API endpoint at once: before a view runs, every query
parameter and every path argument that is written as a whole number must fit a signed 64-bit
integer — the widest id, page or count any database column here holds.  A 20-digit "id" would
otherwise reach the database (SQLite raises OverflowError) and answer 500.  Free-text search
parameters (`q`, `search`) are exempt: a long serial number is a legitimate search.

Views that read a parameter themselves use `int_param`, which bounds it to what the view can
use (a year, a number of minutes) and raises `BadParameterError` (400) otherwise.  As a last net,
an OverflowError escaping a view also answers 400 instead of 500.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import defaults

from .errors import ServiceError

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
WHOLE_NUMBER = re.compile(r"^\s*[+-]?\d+\s*$")
FREE_TEXT = frozenset({"q", "search"})


class BadParameterError(ServiceError):
    """A request parameter outside the range its use allows (HTTP 400, `field` names it)."""


def out_of_range(name: str) -> BadParameterError:
    return BadParameterError("out_of_range", _("The parameter %(name)s is out of range.") % {"name": name}, name)


def int_param(params, name: str, default: int | None = None, *, minimum: int = INT64_MIN,
              maximum: int = INT64_MAX) -> int | None:
    """`params[name]` as an int within [minimum, maximum], `default` when absent or empty."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not WHOLE_NUMBER.match(raw):
        raise BadParameterError("bad_parameter", _("The parameter %(name)s must be a whole number.") % {"name": name},
                                name)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise out_of_range(name)
    return value


def _is_out_of_range(value) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return not INT64_MIN <= value <= INT64_MAX
    if isinstance(value, str) and len(value) > 18 and WHOLE_NUMBER.match(value):
        return not INT64_MIN <= int(value) <= INT64_MAX
    return False


def refusal(request, error: ServiceError, status: int = 400):
    """The 400 answer: JSON for the API, the site's 400 page otherwise."""
    if request.path.startswith("/api/"):
        body = {"code": error.code, "detail": str(error.message)}
        if error.field:
            body.update({"field": error.field, error.field: [str(error.message)]})
        return JsonResponse(body, status=status)
    response = TemplateResponse(request, "400.html", {"detail": error.message}, status=status)
    return response.render()


class ParameterRangeMiddleware:
    """Refuse out-of-range whole numbers in the query string and path before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for name, value in view_kwargs.items():
            if _is_out_of_range(value):
                return refusal(request, out_of_range(name))
        for name, values in request.GET.lists():
            if name not in FREE_TEXT and any(_is_out_of_range(v) for v in values):
                return refusal(request, out_of_range(name))
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameterError):
            return refusal(request, exception)
        if isinstance(exception, OverflowError):
            return refusal(request, BadParameterError(
                "out_of_range", _("A number in the request is out of range."), None))
        return None


def bad_request(request, exception=None):
    """The project's handler400: the API answers JSON, naming the body limit when it was hit.

    Django refuses a request body over DATA_UPLOAD_MAX_MEMORY_SIZE with RequestDataTooBig before
    any view runs; without this an API client got the HTML error page.
    """
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse({
            "code": "request_too_large", "limit_bytes": limit,
            "detail": _("The request body is larger than the limit of %(mb)s MB (%(bytes)s bytes).")
            % {"mb": round(limit / 1024 / 1024, 1), "bytes": limit},
        }, status=400)
    return JsonResponse({"code": "bad_request", "detail": _("The request could not be understood.")}, status=400)
