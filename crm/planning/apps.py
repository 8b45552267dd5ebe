from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "crm.planning"
    label = "planning"
    verbose_name = "Планирование"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crm.core.navigation import register
        from crm.planning.access import PLAN_VIEWER_ROLES

        # A lazy label keeps the menu translatable; navigation.register is typed `str`.
        register("plans:editor", _("План продаж"), PLAN_VIEWER_ROLES, position=30)
