from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "crm.service"
    label = "service"
    verbose_name = "Сервис"
