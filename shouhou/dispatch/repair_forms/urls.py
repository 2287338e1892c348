from django.urls import path

from . import views

urlpatterns = [
    path("tickets/<int:ticket_id>/repair-forms/new/", views.create, name="repair_form_create"),
    path("repair-forms/<int:pk>/", views.detail, name="repair_form"),
    path("repair-forms/<int:pk>/edit/", views.edit, name="repair_form_edit"),
    path("repair-forms/<int:pk>/submit/", views.submit, name="repair_form_submit"),
]
