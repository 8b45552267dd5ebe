"""Template filters of the profitability pages: ratios and points the Russian way."""

from decimal import Decimal

from django import template

from crm.profitability.explain import number

register = template.Library()


@register.filter
def ratio(value: Decimal | int | None, places: int = 2) -> str:
    """1.5234 → «1,52»; None (undefined) → «—»."""
    return number(value, places)
