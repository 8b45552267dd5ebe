from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "crm.finance"
    label = "finance"
    verbose_name = "Финансы"
