from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .api_urls import router
from .tickets.caller import CallerLookupView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("shouhou.accounts.urls")),
    path("api/v1/", include(router.urls)),
    path("api/v1/", include("shouhou.accounts.api_urls")),
    path("api/v1/caller-lookup/", CallerLookupView.as_view(), name="api-caller-lookup"),
    # The top floor's pages and endpoint (spreadsheet import and export) are wired by name: nothing
    # imports ops (tests/test_house_rules.py).
    path("api/v1/", include("shouhou.ops.api_urls")),
    path("data/", include("shouhou.ops.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script under the
    # Content-Security-Policy); its page keeps one small inline <style>.
    path("api/docs/", csp_update({"style-src": [UNSAFE_INLINE]})(
        SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("customers/", include("shouhou.customers.urls")),
    path("assets/", include("shouhou.assets.urls")),
    path("contracts/", include("shouhou.contracts.urls")),
    path("dispatch/", include("shouhou.dispatch.urls")),
    path("charging/", include("shouhou.charging.urls")),
    path("sla/", include("shouhou.sla.urls")),
    path("notify/", include("shouhou.notify.urls")),
    path("approvals/", include("shouhou.approvals.urls")),
    path("documents/", include("shouhou.core.documents.urls")),
    path("", include("shouhou.tickets.dashboard_urls")),
    path("", include("shouhou.tickets.urls")),
]

# MEDIA_ROOT is never served as static files, in DEBUG neither (issue 6): attachments and
# signature images are evidence and leave only through their scoped views (tickets:attachment,
# dispatch:signature), which check that the user may see the ticket.

# API clients get JSON for a refused request too, e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
handler400 = "shouhou.core.params.bad_request"
