from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "crm.integrations"
    label = "integrations"
    verbose_name = "Интеграции"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crm.core.navigation import register
        from crm.integrations.access import MANAGER_ROLES

        register("integrations:accounts", _("Интеграции"), MANAGER_ROLES, position=95)
