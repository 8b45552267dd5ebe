"""Reads of sales plans: the editor's grid and the plan of one scope over a period.

A plan is set per calendar month; a quarter's or a year's plan is the sum of its months. A scope
without plan rows has no plan (None, shown as «—»): it is never derived from its parts.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from crm.catalog.models import ProductLine
from crm.core.periods import Period
from crm.planning.access import PlanTarget
from crm.planning.models import SalesPlan

MONTHS = range(1, 13)
QUARTERS = range(1, 5)


@dataclass(frozen=True)
class PlanAmount:
    """A plan in roubles and in contracts (the count is fractional when a month is pro-rated)."""

    amount: Decimal
    contracts_count: Decimal


@dataclass(frozen=True)
class PlanCell:
    """One month of one grid row; both values are None when that month has no plan."""

    target: str
    month: int
    amount: Decimal | None
    contracts_count: int | None


@dataclass(frozen=True)
class PlanRow:
    target: PlanTarget
    months: list[PlanCell]
    quarters: list[PlanAmount | None]
    year: PlanAmount | None


@dataclass(frozen=True)
class PlanGrid:
    """The plans of one year, one level and one product line (None: the total plan across lines)."""

    year: int
    scope: str
    product_line: ProductLine | None
    rows: list[PlanRow]


def cell_name(field: str, target: str, month: int) -> str:
    """The name of a grid input, and the key of its error: `amount__team:3__7`."""
    return f"{field}__{target}__{month}"


def plan_rows(*, year: int, scope: str, product_line: ProductLine | None, targets: list[str]) -> QuerySet[SalesPlan]:
    """The stored monthly plans of a year, a level, a line (None: total) and the given scope keys."""
    return SalesPlan.objects.filter(
        month__gte=datetime.date(year, 1, 1),
        month__lte=datetime.date(year, 12, 1),
        scope=scope,
        product_line=product_line,
        scope_key__in=targets,
    )


def _total(cells: list[PlanCell]) -> PlanAmount | None:
    planned = [cell for cell in cells if cell.amount is not None]
    if not planned:
        return None
    amount = sum((cell.amount for cell in planned if cell.amount is not None), Decimal(0))
    count = sum(cell.contracts_count or 0 for cell in planned)
    return PlanAmount(amount=amount, contracts_count=Decimal(count))


def _row(target: PlanTarget, stored: dict[tuple[str, int], SalesPlan]) -> PlanRow:
    cells = []
    for month in MONTHS:
        plan = stored.get((target.key, month))
        cells.append(PlanCell(target.key, month, plan.amount if plan else None, plan.contracts_count if plan else None))
    quarters = [_total(cells[3 * (quarter - 1) : 3 * quarter]) for quarter in QUARTERS]
    return PlanRow(target=target, months=cells, quarters=quarters, year=_total(cells))


def plan_grid(year: int, scope: str, product_line: ProductLine | None, targets: list[PlanTarget]) -> PlanGrid:
    """Rows = targets, columns = 12 months (₽ and contracts), with quarter and year sums per row."""
    rows = plan_rows(year=year, scope=scope, product_line=product_line, targets=[t.key for t in targets])
    stored = {(plan.scope_key, plan.month.month): plan for plan in rows}
    return PlanGrid(year, scope, product_line, [_row(target, stored) for target in targets])


def plan_for(scope_key: str, period: Period, product_line: ProductLine | int | None = None) -> PlanAmount | None:
    """The plan of one scope over a period: Σ of its monthly plans; None when no month of it has a plan.

    A month the period covers only in part counts pro rata by days (days covered ÷ days in the month),
    so the plan of [1 January, today] is the metrics' «plan to date».
    """
    rows = SalesPlan.objects.filter(
        scope_key=scope_key, product_line=product_line, month__gte=period.first.replace(day=1), month__lte=period.last
    ).values_list("month", "amount", "contracts_count")
    stored = {month: (amount, Decimal(count)) for month, amount, count in rows}
    if not stored:
        return None
    amount, count = Decimal(0), Decimal(0)
    for covered in period.months():
        first = covered.first.replace(day=1)
        if first not in stored:
            continue
        share = Decimal(covered.days) / Decimal(Period.month(first.year, first.month).days)
        amount += stored[first][0] * share
        count += stored[first][1] * share
    return PlanAmount(amount=amount, contracts_count=count)
