from django.urls import include, path

from crm.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("node/<str:key>/", views.node_page, name="node"),
    path("export/<slug:table>.xlsx", views.export, name="export"),
    path("", include("crm.reports.dashboard_urls")),  # report.pdf, export/<table>.csv
]
