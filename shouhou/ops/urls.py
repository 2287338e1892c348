"""Spreadsheet pages (ops.views), included from shouhou/urls.py by name."""

from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<slug:kind>/template.xlsx", views.import_template, name="import_template"),
    path("export/<slug:kind>.xlsx", views.export, name="export"),
]
