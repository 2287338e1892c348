from django.urls import path

from . import views

app_name = "charging"
urlpatterns = [
    path("parts/", views.part_list, name="parts"),
    path("price-lists/", views.price_list_index, name="price_lists"),
    path("price-lists/<int:pk>/", views.price_list_detail, name="price_list"),
    path("tickets/<int:ticket_id>/quotes/new/", views.quote_create, name="quote_create"),
    path("tickets/<int:ticket_id>/entitlement/override/", views.entitlement_override, name="entitlement_override"),
    path("quotes/<int:pk>/lines/", views.quote_line_add, name="quote_line_add"),
    path("quote-lines/<int:pk>/remove/", views.quote_line_remove, name="quote_line_remove"),
    path("quotes/<int:pk>/<slug:step>/", views.quote_step, name="quote_step"),
    path("quotes/<int:pk>/pdf/<slug:kind>/", views.quote_pdf, name="quote_pdf"),
    path("charges/<int:pk>/reverse/", views.charge_reverse, name="charge_reverse"),
]
