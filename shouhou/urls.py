from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .api_urls import router

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("shouhou.accounts.urls")),
    path("api/v1/", include(router.urls)),
    path("api/v1/", include("shouhou.accounts.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("customers/", include("shouhou.customers.urls")),
    path("assets/", include("shouhou.assets.urls")),
    path("contracts/", include("shouhou.contracts.urls")),
    path("dispatch/", include("shouhou.dispatch.urls")),
    path("sla/", include("shouhou.sla.urls")),
    path("notify/", include("shouhou.notify.urls")),
    path("documents/", include("shouhou.core.documents.urls")),
    path("", include("shouhou.tickets.dashboard_urls")),
    path("", include("shouhou.tickets.urls")),
]

if settings.DEBUG:
    # Development only; production serves media through the reverse proxy (scoped downloads
    # of attachments always go through the tickets app's own view).
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
