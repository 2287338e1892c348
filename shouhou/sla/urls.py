from django.urls import path

from . import plan_views, views, views_penalties

app_name = "sla"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/create/", views.plan_create, name="plan_create"),
    path("plans/new/", plan_views.plan_edit, name="plan_new"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/try/", plan_views.plan_try, name="plan_try"),
    path("plans/<int:pk>/new-version/", plan_views.plan_new_version, name="plan_new_version"),
    path("plans/<int:pk>/publish/", plan_views.plan_publish, name="plan_publish"),
    path("severities/", plan_views.severity_levels, name="severities"),
    path("calendars/", views.calendar_list, name="calendars"),
    path("calendars/<int:pk>/", views.calendar_detail, name="calendar_detail"),
    path("calendars/<int:pk>/notice/", views.calendar_notice, name="calendar_notice"),
    path("calendars/<int:pk>/days/delete/", views.calendar_day_delete, name="calendar_day_delete"),
    path("clocks/<int:pk>/explain/", views.clock_explain, name="explain"),
    path("due/", views.due_list, name="due"),
    path("compliance/", views.compliance, name="compliance"),
    path("compensation/", views_penalties.compensation_statement, name="compensation"),
    path("clocks/<int:pk>/exemption/", views_penalties.exemption_claim, name="exemption_claim"),
    path("tickets/<int:ticket_pk>/event/", views.milestone, name="milestone"),
    path("loaners/<int:pk>/close/", views.loaner_close, name="loaner_close"),
    path("loaners/<int:pk>/void/", views.loaner_void, name="loaner_void"),
]
