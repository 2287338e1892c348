from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.ContractFormView.as_view(), name="create"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.ContractFormView.as_view(), name="edit"),
]
