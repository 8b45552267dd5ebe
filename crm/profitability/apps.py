from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfitabilityConfig(AppConfig):
    name = "crm.profitability"
    label = "profitability"
    verbose_name = _("Прибыльность клиентов")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from crm.core.navigation import register
        from crm.profitability.access import PROFITABILITY_ROLES

        # The snapshot's dirty-client triggers, (re)installed after every migrate (SQLite drops them on rebuilds).
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="profitability_triggers")

        # A lazy label keeps the menu translatable; navigation.register is typed `str`.
        # One entry: LTV, loss ratio and toxic clients are tabs of the same section (/profitability/…).
        register("profitability:ltv", _("Прибыльность"), PROFITABILITY_ROLES, position=22)


def _install_triggers(sender: object, using: str = "default", **kwargs: object) -> None:
    from crm.profitability.triggers import install_triggers

    install_triggers(using)
