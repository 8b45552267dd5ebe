from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "crm.clients"
    label = "clients"
    verbose_name = "Клиенты"
