from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.CustomerFormView.as_view(), name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.CustomerFormView.as_view(), name="edit"),
    path("<int:customer_pk>/sites/new/", views.SiteFormView.as_view(), name="site_create"),
    path("<int:customer_pk>/contacts/new/", views.ContactFormView.as_view(), name="contact_create"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.SiteFormView.as_view(), name="site_edit"),
    path("contacts/<int:pk>/edit/", views.ContactFormView.as_view(), name="contact_edit"),
]
