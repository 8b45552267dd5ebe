from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "crm.org"
    label = "org"
    verbose_name = "Организация"
