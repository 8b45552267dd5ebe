from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "crm.pipeline"
    label = "pipeline"
    verbose_name = "Воронка продаж"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crm.core.navigation import register
        from crm.core.roles import SALES_ROLES
        from crm.pipeline.access import DEAL_VIEWER_ROLES

        # A lazy label keeps the menu translatable; navigation.register is typed `str`.
        register("deals:board", _("Воронка"), SALES_ROLES, position=10)
        register("deals:list", _("Сделки"), DEAL_VIEWER_ROLES, position=15)
