"""Sales facts and plans, loaded in one GROUP BY query per dimension and one query for plans."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, Literal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from crm.analytics.access import contracts_visible_to
from crm.analytics.results import Fact
from crm.analytics.sales import ZERO, MonthlyPlan
from crm.core.periods import Period
from crm.org.models import User
from crm.planning.models import SalesPlan

Dimension = Literal["manager", "product_line", "segment", "industry_line", "month"]
FactKey = Any
"""manager id, product line id, segment code ("" = none), (industry id | None, line id), month's first day."""

GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "manager": ("manager_id",),
    "product_line": ("product__product_line_id",),
    "segment": ("client__segment",),
    "industry_line": ("client__industry_id", "product__product_line_id"),
}


def concluded_in(period: Period) -> Q:
    """Contracts whose conclusion date is in the period (the sales fact counts by it)."""
    return Q(concluded_on__gte=period.first, concluded_on__lte=period.last)


def _grouped(contracts: QuerySet[Any], dimension: Dimension) -> QuerySet[Any]:
    if dimension == "month":
        return contracts.annotate(g0=TruncMonth("concluded_on")).values("g0")
    fields = GROUP_FIELDS[dimension]
    return contracts.values(**{f"g{index}": F(name) for index, name in enumerate(fields)})


def _key(row: dict[str, Any], dimension: Dimension) -> FactKey:
    if dimension == "industry_line":
        return (row["g0"], row["g1"])
    return row["g0"]


def sales_facts_by(viewer: User, windows: Mapping[str, Period], dimension: Dimension) -> dict[str, dict[FactKey, Fact]]:
    """Sales fact per value of a dimension for several named windows, in one GROUP BY query.

    Counts the viewer's sold contracts (not cancelled from inception) concluded in each window; a window
    lists only the values with at least one contract. Windows may overlap (each has its own FILTER).
    """
    if not windows:
        return {}
    periods = list(windows.values())
    contracts = contracts_visible_to(viewer).sold().filter(reduce(or_, map(concluded_in, periods))).order_by()
    aggregates: dict[str, Any] = {}
    for index, period in enumerate(periods):
        aggregates[f"amount_{index}"] = Sum("written_premium_amount", filter=concluded_in(period))
        aggregates[f"count_{index}"] = Count("pk", filter=concluded_in(period))
    result: dict[str, dict[FactKey, Fact]] = {name: {} for name in windows}
    for row in _grouped(contracts, dimension).annotate(**aggregates):
        for index, name in enumerate(windows):
            if row[f"count_{index}"]:
                result[name][_key(row, dimension)] = Fact(row[f"amount_{index}"] or ZERO, row[f"count_{index}"])
    return result


def sales_fact_by(viewer: User, period: Period, dimension: Dimension) -> dict[FactKey, Fact]:
    """Sales fact per manager, product line, segment, industry × line or month (docs: sales fact)."""
    return sales_facts_by(viewer, {"period": period}, dimension)["period"]


def total(facts: Mapping[FactKey, Fact]) -> Fact:
    """The fact of the whole scope: Σ over the values of a dimension."""
    return sum(facts.values(), Fact())


PlanKey = tuple[str, int | None]


class PlanBook:
    """Monthly plan rows by (scope key, product line id or None for the total plan)."""

    def __init__(self, rows: Iterable[tuple[str, int | None, datetime.date, Decimal, int]]) -> None:
        self._amounts: dict[PlanKey, dict[datetime.date, Decimal]] = {}
        self._counts: dict[PlanKey, dict[datetime.date, Decimal]] = {}
        for scope_key, line_id, month, amount, count in rows:
            self._amounts.setdefault((scope_key, line_id), {})[month] = amount
            self._counts.setdefault((scope_key, line_id), {})[month] = Decimal(count)

    def amounts(self, scope_key: str, product_line_id: int | None = None) -> MonthlyPlan | None:
        """The scope's monthly plans in ₽; None when it has no plan rows at all (no plan, never derived)."""
        return self._amounts.get((scope_key, product_line_id))

    def counts(self, scope_key: str, product_line_id: int | None = None) -> MonthlyPlan | None:
        """The scope's monthly plans in contracts; None when it has no plan rows."""
        return self._counts.get((scope_key, product_line_id))


def load_plans(periods: Iterable[Period], scope_keys: Iterable[str]) -> PlanBook:
    """One query: the plan rows of the given scopes (total and per line) whose month meets any of the periods."""
    months = [Q(month__gte=period.first.replace(day=1), month__lte=period.last) for period in periods]
    rows = SalesPlan.objects.filter(reduce(or_, months), scope_key__in=list(scope_keys)).values_list(
        "scope_key", "product_line_id", "month", "amount", "contracts_count"
    )
    return PlanBook(rows)
