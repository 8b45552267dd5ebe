"""Deals for the dashboard: outcomes per manager (win rate, deals won) and the weighted forecast."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, Sum

from crm.analytics.access import deals_for_analytics
from crm.analytics.queries.facts import sales_fact_by, total
from crm.analytics.results import DealTally, Forecast, Outcome, StageForecast
from crm.analytics.sales import ZERO
from crm.core.periods import Period
from crm.org.models import User
from crm.pipeline.models import DealStatus
from crm.pipeline.queries import weighted_amount_expression


def closed_in(period: Period) -> Q:
    """Deals closed (won or lost) within the period."""
    return Q(closed_on__gte=period.first, closed_on__lte=period.last)


def deal_outcomes_by_manager(viewer: User, windows: Mapping[str, Period]) -> dict[str, dict[int, Outcome]]:
    """Deals won and lost per manager for several named windows (by closing date), in one GROUP BY query."""
    if not windows:
        return {}
    periods = list(windows.values())
    closed = deals_for_analytics(viewer).filter(status__in=[DealStatus.WON, DealStatus.LOST])
    grouped = closed.filter(reduce(or_, map(closed_in, periods))).order_by().values("manager_id")
    aggregates: dict[str, Any] = {}
    for index, period in enumerate(periods):
        aggregates[f"won_{index}"] = Count("pk", filter=closed_in(period) & Q(status=DealStatus.WON))
        aggregates[f"lost_{index}"] = Count("pk", filter=closed_in(period) & Q(status=DealStatus.LOST))
    result: dict[str, dict[int, Outcome]] = {name: {} for name in windows}
    rows: Iterable[Mapping[str, Any]] = grouped.annotate(**aggregates)
    for row in rows:
        for index, name in enumerate(windows):
            outcome = Outcome(row[f"won_{index}"], row[f"lost_{index}"])
            if outcome.won or outcome.lost:
                result[name][row["manager_id"]] = outcome
    return result


def forecast_window(period: Period, today: datetime.date) -> Period | None:
    """[max(today, first), last]: when the remaining deals of the period may still close; None once it is over."""
    if today > period.last:
        return None
    return Period(max(today, period.first), period.last)


def _stage_rows(viewer: User, window: Period | None, today: datetime.date) -> list[Mapping[str, Any]]:
    """Per stage: open deals in the window (count, Σ amount, Σ weighted), overdue and undated ones."""
    in_window = Q(expected_close_on__gte=window.first, expected_close_on__lte=window.last) if window else None
    overdue, undated = Q(expected_close_on__lt=today), Q(expected_close_on__isnull=True)
    aggregates: dict[str, Any] = {
        "overdue_n": Count("pk", filter=overdue),
        "overdue_sum": Sum("amount", filter=overdue),
        "undated_n": Count("pk", filter=undated),
        "undated_sum": Sum("amount", filter=undated),
    }
    if in_window is not None:
        aggregates |= {
            "n": Count("pk", filter=in_window),
            "amount_sum": Sum("amount", filter=in_window),
            "weighted_sum": Sum(weighted_amount_expression(), filter=in_window),
        }
    deals = deals_for_analytics(viewer).filter(status=DealStatus.OPEN).order_by("stage__position")
    grouped: Iterable[Mapping[str, Any]] = deals.values("stage_id", "stage__name", "stage__position").annotate(
        **aggregates
    )
    return list(grouped)


def _stages(rows: list[Mapping[str, Any]]) -> list[StageForecast]:
    return [
        StageForecast(row["stage_id"], row["stage__name"], row["n"], row["amount_sum"], row["weighted_sum"])
        for row in rows
        if row.get("n")
    ]


def _tally(rows: list[Mapping[str, Any]], prefix: str) -> DealTally:
    count = sum(row[f"{prefix}_n"] for row in rows)
    return DealTally(count, sum((row[f"{prefix}_sum"] or ZERO for row in rows), ZERO))


def weighted_forecast(
    viewer: User, period: Period, today: datetime.date, *, fact_amount: Decimal | None = None
) -> Forecast:
    """Fact + Σ amount × probability (the deal's own, else its stage's) of open deals expected in the window.

    The window is [max(today, first), last]; a period already over forecasts its fact. Open deals expected
    before today (overdue, any period) and without an expected date are excluded and tallied apart.
    Pass `fact_amount` when the caller has the period's fact already (saves one query).
    """
    if fact_amount is None:
        fact_amount = total(sales_fact_by(viewer, period, "manager")).amount
    window = forecast_window(period, today)
    rows = _stage_rows(viewer, window, today)
    stages = _stages(rows)
    weighted = sum((stage.weighted_amount for stage in stages), ZERO)
    return Forecast(
        period=period,
        window=window,
        fact_amount=fact_amount,
        weighted_amount=weighted,
        forecast_amount=fact_amount + weighted,
        by_stage=stages,
        overdue=_tally(rows, "overdue"),
        undated=_tally(rows, "undated"),
    )
