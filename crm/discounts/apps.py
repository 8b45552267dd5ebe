from django.apps import AppConfig


class DiscountsConfig(AppConfig):
    name = "crm.discounts"
    label = "discounts"
    verbose_name = "Правила скидок"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crm.core.navigation import register
        from crm.discounts.access import RULE_VIEWER_ROLES

        # A lazy label keeps the menu translatable; navigation.register is typed `str`.
        register("discounts:list", _("Правила скидок"), RULE_VIEWER_ROLES, position=35)
