from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfitabilityConfig(AppConfig):
    name = "crm.profitability"
    label = "profitability"
    verbose_name = _("Прибыльность клиентов")

    def ready(self) -> None:
        from crm.core.navigation import register
        from crm.profitability.access import PROFITABILITY_ROLES

        # A lazy label keeps the menu translatable; navigation.register is typed `str`.
        # One entry: LTV, loss ratio and toxic clients are tabs of the same section (/profitability/…).
        register("profitability:ltv", _("Прибыльность"), PROFITABILITY_ROLES, position=22)
