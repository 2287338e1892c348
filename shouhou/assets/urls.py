from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("new/", views.AssetFormView.as_view(), name="create"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/edit/", views.AssetFormView.as_view(), name="edit"),
]
