"""The top floor's endpoint, included from shouhou/urls.py by name (nothing imports ops)."""

from django.urls import path

from .api import ImportView

urlpatterns = [path("imports/", ImportView.as_view(), name="api-imports")]
