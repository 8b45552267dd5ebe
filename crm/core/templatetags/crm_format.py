"""Template filters for the Russian display of money, rates and dates."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from crm.core.money import format_percent, format_rub

register = template.Library()


@register.filter
def rub(value: Decimal | int | None) -> str:
    return format_rub(value)


@register.filter
def rub_kop(value: Decimal | int | None) -> str:
    return format_rub(value, kopecks=True)


@register.filter
def percent(value: Decimal | float | None) -> str:
    return format_percent(value)


@register.filter
def ru_date(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")
