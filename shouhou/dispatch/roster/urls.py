from django.urls import path

from . import views

urlpatterns = [
    path("roster/", views.roster, name="roster"),
    path("roster/shifts/new/", views.shift_create, name="roster_shift_create"),
    path("roster/shifts/<int:pk>/", views.shift_edit, name="roster_shift_edit"),
    path("roster/shifts/<int:pk>/delete/", views.shift_delete, name="roster_shift_delete"),
    path("roster/patterns/new/", views.pattern_create, name="roster_pattern_create"),
    path("roster/patterns/<int:pk>/", views.pattern_edit, name="roster_pattern_edit"),
]
