from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "crm.analytics"
    label = "analytics"
    verbose_name = _("Аналитика продаж")

    def ready(self) -> None:
        from crm.core.navigation import register
        from crm.core.roles import SALES_ROLES

        # A lazy label keeps the menu translatable; navigation.register is typed `str`.
        register("analytics:dashboard", _("Дашборд"), SALES_ROLES, position=5)
