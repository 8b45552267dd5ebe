"""Deals for the dashboard: outcomes per manager (win rate, deals won) and the weighted forecast."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from crm.analytics.access import deal_days_visible_to, deal_rollups_visible_to, deals_for_analytics
from crm.analytics.queries.facts import NO_COUNT, any_of, combined, on_days, sales_fact_by, total
from crm.analytics.queries.sources import Coverage, Split, load_coverage, split
from crm.analytics.results import DealTally, Forecast, Outcome, StageForecast
from crm.analytics.sales import ZERO
from crm.core.periods import Period
from crm.org.models import User
from crm.pipeline.models import DealStatus
from crm.pipeline.queries import weighted_amount_expression


def closed_in(period: Period) -> Q:
    """Deals closed (won or lost) within the period."""
    return Q(closed_on__gte=period.first, closed_on__lte=period.last)


def _closed_from_deals(viewer: User, splits: Mapping[str, Split]) -> QuerySet[Any]:
    """Won and lost deals per manager over the days of each window the roll-ups do not hold."""
    everything = any_of((period for part in splits.values() for period in part.ranges), closed_in)
    closed = deals_for_analytics(viewer).filter(status__in=[DealStatus.WON, DealStatus.LOST])
    grouped = closed.filter(everything).order_by().values(g0=F("manager_id"))
    aggregates: dict[str, Any] = {}
    for index, part in enumerate(splits.values()):
        condition = any_of(part.ranges, closed_in)
        for outcome, status in (("won", DealStatus.WON), ("lost", DealStatus.LOST)):
            counted = None if condition is None else Count("pk", filter=condition & Q(status=status))
            aggregates[f"{outcome}_{index}"] = NO_COUNT if counted is None else counted
    return grouped.annotate(**aggregates)


def _closed_from_rollups(viewer: User, splits: Mapping[str, Split]) -> QuerySet[Any]:
    """Won and lost deals per manager over the whole months of each window held by the monthly roll-ups."""
    months = sorted({month for part in splits.values() for month in part.months})
    grouped = deal_rollups_visible_to(viewer).filter(month__in=months).order_by().values(g0=F("manager_id"))
    aggregates: dict[str, Any] = {}
    for index, part in enumerate(splits.values()):
        condition = Q(month__in=part.months) if part.months else None
        for outcome in ("won", "lost"):
            summed = None if condition is None else Sum(f"{outcome}_count", filter=condition)
            aggregates[f"{outcome}_{index}"] = NO_COUNT if summed is None else summed
    return grouped.annotate(**aggregates)


def _closed_from_days(viewer: User, splits: Mapping[str, Split]) -> QuerySet[Any]:
    """Won and lost deals per manager over the other days of each window held by the daily roll-ups."""
    everything = any_of((period for part in splits.values() for period in part.days), on_days)
    grouped = deal_days_visible_to(viewer).filter(everything).order_by().values(g0=F("manager_id"))
    aggregates: dict[str, Any] = {}
    for index, part in enumerate(splits.values()):
        condition = any_of(part.days, on_days)
        for outcome in ("won", "lost"):
            summed = None if condition is None else Sum(f"{outcome}_count", filter=condition)
            aggregates[f"{outcome}_{index}"] = NO_COUNT if summed is None else summed
    return grouped.annotate(**aggregates)


def deal_outcomes_by_manager(
    viewer: User, windows: Mapping[str, Period], coverage: Coverage | None = None
) -> dict[str, dict[int, Outcome]]:
    """Deals won and lost per manager for several named windows (by closing date), in one GROUP BY query.

    Days the roll-ups hold come from them, the rest from the deals (`crm.analytics.queries.sources`).
    """
    if not windows:
        return {}
    covered = (load_coverage(windows.values()) if coverage is None else coverage).deals
    splits = {name: split(period, covered) for name, period in windows.items()}
    parts = []
    if any(part.ranges for part in splits.values()):
        parts.append(_closed_from_deals(viewer, splits))
    if any(part.months for part in splits.values()):
        parts.append(_closed_from_rollups(viewer, splits))
    if any(part.days for part in splits.values()):
        parts.append(_closed_from_days(viewer, splits))
    result: dict[str, dict[int, Outcome]] = {name: {} for name in windows}
    for row in combined(parts):
        for index, name in enumerate(windows):
            outcome = Outcome(row[f"won_{index}"] or 0, row[f"lost_{index}"] or 0)
            if outcome.won or outcome.lost:
                outcomes = result[name]
                outcomes[row["g0"]] = outcomes.get(row["g0"], Outcome()) + outcome
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
    # COUNT(amount) (never null) rather than COUNT(id), and only the deals expected up to the window's end or
    # undated: every column read is then in the covering partial index on open deals (`deal_open_forecast`).
    aggregates: dict[str, Any] = {
        "overdue_n": Count("amount", filter=overdue),
        "overdue_sum": Sum("amount", filter=overdue),
        "undated_n": Count("amount", filter=undated),
        "undated_sum": Sum("amount", filter=undated),
    }
    if in_window is not None:
        aggregates |= {
            "n": Count("amount", filter=in_window),
            "amount_sum": Sum("amount", filter=in_window),
            "weighted_sum": Sum(weighted_amount_expression(), filter=in_window),
        }
    upper = window.last if window else today - datetime.timedelta(days=1)
    deals = (
        deals_for_analytics(viewer)
        .filter(Q(expected_close_on__lte=upper) | undated, status=DealStatus.OPEN)
        .order_by("stage__position")
    )
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
