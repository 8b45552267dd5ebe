from django.apps import AppConfig


class UnderwritingConfig(AppConfig):
    name = "crm.underwriting"
    label = "underwriting"
    verbose_name = "Андеррайтинг"
