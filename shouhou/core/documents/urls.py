from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("<slug:name>/sample.pdf", views.sample_pdf, name="sample"),
]
