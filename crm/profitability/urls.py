from django.urls import path

from crm.profitability import views

app_name = "profitability"
urlpatterns = [
    path("", views.ltv_page, name="ltv"),
    path("loss-ratio/", views.loss_ratio_page, name="loss_ratio"),
    path("toxic/", views.toxic_page, name="toxic"),
    path("settings/", views.settings_page, name="settings"),
    path("clients/<int:pk>/panel/", views.client_panel, name="client_panel"),
    path("export/<slug:report>.xlsx", views.export, name="export"),
    path("export/<slug:report>.csv", views.export, {"fmt": "csv"}, name="export_csv"),
]
