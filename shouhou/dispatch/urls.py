from django.urls import path

from . import views
from .repair_forms.urls import urlpatterns as repair_form_urls
from .roster.urls import urlpatterns as roster_urls

app_name = "dispatch"
urlpatterns = [
    path("my-jobs/", views.my_jobs, name="my_jobs"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/leave/", views.leave, name="leave"),
    path("visits/<int:pk>/sign/", views.sign, name="sign"),
    path("visits/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("visits/<int:pk>/signature.png", views.signature, name="signature"),
    path("visits/<int:pk>/amend/", views.amend, name="amend"),
    path("visits/<int:pk>/void/", views.visit_void, name="visit_void"),
    path("tickets/<int:ticket_id>/assign/", views.assign, name="assign"),
    path("tickets/<int:ticket_id>/appointment/", views.appointment, name="appointment"),
    path("tickets/<int:ticket_id>/resolve/", views.resolve, name="resolve"),
    path("tickets/<int:ticket_id>/fault-report/", views.fault_report, name="fault_report"),
    path("tickets/<int:ticket_id>/steps/<slug:action>/", views.job_step, name="step"),
    path("tickets/<int:ticket_id>/milestones/<slug:event>/", views.milestone, name="milestone"),
] + repair_form_urls + roster_urls
