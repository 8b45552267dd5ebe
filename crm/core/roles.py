"""The department's roles: one per user, English in code, Russian in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HEAD_OF_SALES = "head_of_sales", _("Начальник отдела продаж")
    SENIOR_MANAGER = "senior_manager", _("Старший менеджер")
    MANAGER = "manager", _("Менеджер по продажам")
    UNDERWRITER = "underwriter", _("Андеррайтер")
    RISK_MANAGER = "risk_manager", _("Риск-менеджер")
    MARKETING = "marketing", _("Маркетинг")
    SERVICE_DESK = "service_desk", _("Сервис-деск")
    PRODUCT = "product", _("Отдел продуктов")
    ADMINISTRATOR = "administrator", _("Администратор")


SALES_ROLES = frozenset({Role.HEAD_OF_SALES, Role.SENIOR_MANAGER, Role.MANAGER})
