from django.urls import path

app_name = "dispatch"
urlpatterns: list = []
