"""Sales facts and plans, loaded in one GROUP BY query per dimension and one query for plans.

Whole months the roll-ups hold are read from the monthly roll-ups, other days they hold from the daily
ones, and days changed since the last refresh from the contracts — in the same query (UNION ALL of the
GROUP BYs, added up per key): see `crm.analytics.queries.sources`.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, Literal

from django.db.models import Count, DateField, DecimalField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, TruncMonth

from crm.analytics.access import contracts_visible_to, sales_days_visible_to, sales_rollups_visible_to
from crm.analytics.models import SalesGrain
from crm.analytics.queries.sources import Coverage, Split, load_coverage, split
from crm.analytics.results import Fact
from crm.analytics.sales import ZERO, MonthlyPlan
from crm.core.money import to_money
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


ROLLUP_GRAINS: dict[str, SalesGrain] = {
    "manager": SalesGrain.MANAGER,
    "month": SalesGrain.MANAGER,
    "product_line": SalesGrain.PRODUCT_LINE,
    "segment": SalesGrain.SEGMENT,
    "industry_line": SalesGrain.INDUSTRY_LINE,
}
ROLLUP_FIELDS: dict[str, tuple[str, ...]] = {
    "manager": ("manager_id",),
    "month": ("month",),
    "product_line": ("product_line_id",),
    "segment": ("segment",),
    "industry_line": ("industry_id", "product_line_id"),
}
"""The roll-up grain and columns that answer each dimension (the same values as `GROUP_FIELDS`)."""
NO_AMOUNT = Cast(Value(None), output_field=DecimalField(max_digits=18, decimal_places=2))
"""A window absent from one part of a UNION: a typed NULL (PostgreSQL types two bare NULLs as text)."""
NO_COUNT = Value(0, output_field=IntegerField())


def month_of(field: str) -> Cast:
    """The first day of the field's month, as a date on every database (PostgreSQL's DATE_TRUNC gives a
    timestamp, which would turn a UNION with the roll-ups' date column into timestamps)."""
    return Cast(TruncMonth(field), DateField())


def _grouped(contracts: QuerySet[Any], dimension: Dimension) -> QuerySet[Any]:
    if dimension == "month":
        return contracts.annotate(g0=month_of("concluded_on")).values("g0")
    fields = GROUP_FIELDS[dimension]
    return contracts.values(**{f"g{index}": F(name) for index, name in enumerate(fields)})


def _key(row: dict[str, Any], dimension: Dimension) -> FactKey:
    if dimension == "industry_line":
        return (row["g0"], row["g1"])
    return row["g0"]


def any_of(ranges: Iterable[Period], condition: Callable[[Period], Q]) -> Q | None:
    """The OR of `condition` over the ranges; None for no range."""
    conditions = [condition(period) for period in ranges]
    return reduce(or_, conditions) if conditions else None


def _from_contracts(viewer: User, splits: Mapping[str, Split], dimension: Dimension) -> QuerySet[Any]:
    """The days of each window the roll-ups do not hold, from the contracts (a FILTER column per window)."""
    everything = any_of((period for part in splits.values() for period in part.ranges), concluded_in)
    contracts = contracts_visible_to(viewer).sold().filter(everything).order_by()
    aggregates: dict[str, Any] = {}
    for index, part in enumerate(splits.values()):
        condition = any_of(part.ranges, concluded_in)
        aggregates[f"amount_{index}"] = (
            NO_AMOUNT if condition is None else Sum("written_premium_amount", filter=condition)
        )
        aggregates[f"count_{index}"] = NO_COUNT if condition is None else Count("pk", filter=condition)
    return _grouped(contracts, dimension).annotate(**aggregates)


def _from_rollups(viewer: User, splits: Mapping[str, Split], dimension: Dimension) -> QuerySet[Any]:
    """The whole months of each window held by the monthly roll-ups (a FILTER column per window)."""
    months = sorted({month for part in splits.values() for month in part.months})
    rows = sales_rollups_visible_to(viewer).filter(grain=ROLLUP_GRAINS[dimension], month__in=months).order_by()
    grouped = rows.values(**{f"g{index}": F(name) for index, name in enumerate(ROLLUP_FIELDS[dimension])})
    aggregates: dict[str, Any] = {}
    for index, part in enumerate(splits.values()):
        condition = Q(month__in=part.months) if part.months else None
        aggregates[f"amount_{index}"] = (
            NO_AMOUNT if condition is None else Sum("written_premium_amount", filter=condition)
        )
        aggregates[f"count_{index}"] = NO_COUNT if condition is None else Sum("contracts_count", filter=condition)
    return grouped.annotate(**aggregates)


def on_days(period: Period) -> Q:
    """Daily roll-up rows of the days of the period."""
    return Q(day__gte=period.first, day__lte=period.last)


def _from_days(viewer: User, splits: Mapping[str, Split], dimension: Dimension) -> QuerySet[Any]:
    """The clean days of filled months in each window, from the daily roll-ups (a FILTER column per window)."""
    everything = any_of((period for part in splits.values() for period in part.days), on_days)
    rows = sales_days_visible_to(viewer).filter(everything).order_by()
    grouped: QuerySet[Any]
    if dimension == "month":
        grouped = rows.annotate(g0=month_of("day")).values("g0")
    else:
        grouped = rows.values(**{f"g{index}": F(name) for index, name in enumerate(ROLLUP_FIELDS[dimension])})
    aggregates: dict[str, Any] = {}
    for index, part in enumerate(splits.values()):
        condition = any_of(part.days, on_days)
        aggregates[f"amount_{index}"] = (
            NO_AMOUNT if condition is None else Sum("written_premium_amount", filter=condition)
        )
        aggregates[f"count_{index}"] = NO_COUNT if condition is None else Sum("contracts_count", filter=condition)
    return grouped.annotate(**aggregates)


def combined(parts: list[QuerySet[Any]]) -> Iterable[dict[str, Any]]:
    """The rows of grouped querysets of the same shape, in one query (UNION ALL)."""
    if not parts:
        return []
    first, *rest = parts
    return first.union(*rest, all=True).order_by() if rest else first


def sales_facts_by(
    viewer: User, windows: Mapping[str, Period], dimension: Dimension, coverage: Coverage | None = None
) -> dict[str, dict[FactKey, Fact]]:
    """Sales fact per value of a dimension for several named windows, in one query (plus one for `coverage`).

    Counts the viewer's sold contracts (not cancelled from inception) concluded in each window; a window
    lists only the values with at least one contract; sums are exact kopecks (SQLite adds premiums as floats).
    Windows may overlap (each has its own FILTER). Days the roll-ups hold come from them, the rest from the
    contracts (`crm.analytics.queries.sources`); pass the `coverage` loaded for the request to save its query.
    """
    if not windows:
        return {}
    covered = (load_coverage(windows.values()) if coverage is None else coverage).sales
    splits = {name: split(period, covered) for name, period in windows.items()}
    parts = []
    if any(part.ranges for part in splits.values()):
        parts.append(_from_contracts(viewer, splits, dimension))
    if any(part.months for part in splits.values()):
        parts.append(_from_rollups(viewer, splits, dimension))
    if any(part.days for part in splits.values()):
        parts.append(_from_days(viewer, splits, dimension))
    result: dict[str, dict[FactKey, Fact]] = {name: {} for name in windows}
    for row in combined(parts):
        for index, name in enumerate(windows):
            count = row[f"count_{index}"] or 0
            if count:
                key, facts = _key(row, dimension), result[name]
                facts[key] = facts.get(key, Fact()) + Fact(to_money(row[f"amount_{index}"] or ZERO), count)
    return result


def sales_fact_by(
    viewer: User, period: Period, dimension: Dimension, coverage: Coverage | None = None
) -> dict[FactKey, Fact]:
    """Sales fact per manager, product line, segment, industry × line or month (docs: sales fact)."""
    return sales_facts_by(viewer, {"period": period}, dimension, coverage)["period"]


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
