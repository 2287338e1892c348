from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("new/", views.AssetFormView.as_view(), name="create"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/edit/", views.AssetFormView.as_view(), name="edit"),
    path("models/", views.product_model_list, name="model_list"),
    path("models/new/", views.ProductModelFormView.as_view(), name="model_create"),
    path("models/<int:pk>/", views.product_model_detail, name="model_detail"),
    path("models/<int:pk>/edit/", views.ProductModelFormView.as_view(), name="model_edit"),
]
