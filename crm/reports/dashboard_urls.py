"""The dashboard's printable report and CSV tables, included under /dashboard/ by crm.analytics.urls."""

from django.urls import path

from crm.reports import views

urlpatterns = [
    path("report.pdf", views.dashboard_pdf, name="report_pdf"),
    path("export/<slug:table>.csv", views.drilldown_csv, name="export_csv"),
]
