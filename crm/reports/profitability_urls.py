"""Client profitability's printable report, included under /profitability/ by config.urls."""

from django.urls import path

from crm.reports import views

urlpatterns = [path("report.pdf", views.profitability_pdf, name="profitability_pdf")]
