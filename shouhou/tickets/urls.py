from django.urls import path

from . import caller, views

app_name = "tickets"
urlpatterns = [
    path("tickets/", views.ticket_list, name="list"),
    path("caller/", caller.caller_page, name="caller"),
    path("tickets/new/", views.ticket_create, name="create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/edit/", views.ticket_edit, name="edit"),
    path("tickets/<int:pk>/actions/<slug:action>/", views.ticket_action, name="action"),
    path("tickets/<int:pk>/comments/", views.ticket_comment, name="comment"),
    path("tickets/<int:pk>/attachments/", views.ticket_attach, name="attach"),
    path("tickets/<int:pk>/verify/", views.ticket_verify, name="verify"),
    path("tickets/<int:pk>/not-a-repeat/", views.ticket_not_a_repeat, name="not_a_repeat"),
    path("tickets/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("tickets/attachments/<int:pk>/void/", views.attachment_void, name="attachment_void"),
]
