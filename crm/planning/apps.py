from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "crm.planning"
    label = "planning"
    verbose_name = "Планирование"
