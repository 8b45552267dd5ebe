from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "crm.reports"
    label = "reports"
    verbose_name = "Отчёты для печати"
