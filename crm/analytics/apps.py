from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_rollup_triggers(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """After every migrate: the roll-up triggers are in place (a SQLite table rebuild drops them)."""
    from crm.analytics.rollups import install_triggers

    install_triggers(using)


class AnalyticsConfig(AppConfig):
    name = "crm.analytics"
    label = "analytics"
    verbose_name = _("Аналитика продаж")

    def ready(self) -> None:
        from crm.core.navigation import register
        from crm.core.roles import SALES_ROLES

        # A lazy label keeps the menu translatable; navigation.register is typed `str`.
        register("analytics:dashboard", _("Дашборд"), SALES_ROLES, position=5)
        post_migrate.connect(_install_rollup_triggers, sender=self, dispatch_uid="analytics_rollup_triggers")
