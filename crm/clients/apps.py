from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "crm.clients"
    label = "clients"
    verbose_name = "Клиенты"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crm.core.navigation import register
        from crm.core.roles import SALES_ROLES, Role

        register("clients:list", _("Клиенты"), SALES_ROLES | {Role.SERVICE_DESK}, position=20)
