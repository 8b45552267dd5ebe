"""The head-of-sales dashboard (issue 3): KPIs, forecast, dynamics, trend, hierarchy with drivers, cuts.

A fixed number of queries whatever the data size (12 for the head of sales): which months the roll-ups
cover (one), facts per manager, month, product line and segment (one GROUP BY each, every comparison window
a FILTER column, roll-ups and contracts in one UNION ALL), the hierarchy (≤ 3 small queries), plans (one),
deal outcomes per manager (one), the forecast per stage (one, always from the open deals), product lines
(one). Everything else is arithmetic in `crm.analytics.sales`.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from crm.analytics.queries.cuts import line_rows, segment_rows
from crm.analytics.queries.deals import weighted_forecast
from crm.analytics.queries.facts import sales_facts_by
from crm.analytics.queries.inputs import Inputs, default_threshold, load_inputs, plan_key
from crm.analytics.queries.structure import NodeSpec
from crm.analytics.results import Comparison, Dashboard, Drivers, Dynamics, Fact, Kpis, TreeNode, TrendPoint
from crm.analytics.sales import (
    attainment,
    average_premium,
    compare,
    comparison_windows,
    decompose_change,
    period_plan,
    plan_to_date,
    win_rate,
)
from crm.core.periods import Period
from crm.org.models import User


def _drivers(manager_ids: list[int], inputs: Inputs) -> Drivers:
    current, previous = inputs.fact("current", manager_ids), inputs.fact("previous_comparable", manager_ids)
    won, won_before = inputs.outcome("current", manager_ids), inputs.outcome("previous", manager_ids)
    comparison = inputs.windows.previous_comparable
    effects = decompose_change(current.amount, current.count, previous.amount, previous.count)
    return Drivers(
        comparison=comparison,
        deals_won=won.won,
        deals_won_previous=won_before.won,
        win_rate=win_rate(won.won, won.lost),
        win_rate_previous=win_rate(won_before.won, won_before.lost),
        contracts_count=current.count,
        contracts_count_previous=previous.count,
        average_premium=average_premium(current.amount, current.count),
        average_premium_previous=average_premium(previous.amount, previous.count),
        count_effect=effects[0] if comparison else None,
        premium_effect=effects[1] if comparison else None,
    )


def _node(spec: NodeSpec, inputs: Inputs) -> TreeNode:
    manager_ids = spec.manager_ids()
    kpis = inputs.kpis(inputs.windows.current, inputs.fact("current", manager_ids), plan_key(spec))
    children = [_node(child, inputs) for child in spec.children]
    drivers = _drivers(manager_ids, inputs)
    return TreeNode(spec.key, spec.level, spec.name, kpis.amount, kpis.count, drivers, children)


def _comparison(
    root: NodeSpec, current: Kpis, windows: tuple[Period, Period | None], name: str, inputs: Inputs
) -> Comparison:
    """The root over a comparison period: its whole KPIs, and like-for-like changes (see `Comparison`)."""
    (base, comparable), manager_ids = windows, root.manager_ids()
    kpis = inputs.kpis(base, inputs.fact(name, manager_ids), plan_key(root))
    if comparable is None:
        undefined = compare(None, None)
        return Comparison(kpis, None, None, None, undefined, undefined, undefined)
    fact = inputs.fact(f"{name}_comparable", manager_ids)
    monthly = inputs.plans.amounts(root.key) if root.has_plan else None
    to_date = None if monthly is None else plan_to_date(monthly, base, comparable.last)
    comparable_attainment = attainment(fact.amount, to_date)
    return Comparison(
        kpis=kpis,
        comparable=comparable,
        comparable_fact=fact,
        comparable_attainment=comparable_attainment,
        amount_change=compare(current.amount.fact, fact.amount),
        count_change=compare(current.count.fact, Decimal(fact.count)),
        attainment_change=compare(current.amount.attainment_to_date, comparable_attainment),
    )


def _month_plan(monthly: Mapping[datetime.date, Decimal] | None, month: Period) -> Decimal | None:
    return None if monthly is None else period_plan(monthly, month)


def _trend(viewer: User, root: NodeSpec, inputs: Inputs) -> list[TrendPoint]:
    """Fact and plan per month of the period and of the same months a year earlier (one query)."""
    current, last_year = inputs.windows.current, inputs.windows.last_year
    facts = sales_facts_by(viewer, {"current": current, "last_year": last_year}, "month", inputs.coverage)
    amounts = inputs.plans.amounts(root.key) if root.has_plan else None
    counts = inputs.plans.counts(root.key) if root.has_plan else None
    points = []
    for month, before in zip(current.months(), last_year.months(), strict=True):
        first, first_before = month.first.replace(day=1), before.first.replace(day=1)
        points.append(
            TrendPoint(
                month=first,
                fact=facts["current"].get(first, Fact()),
                plan_amount=_month_plan(amounts, month),
                plan_count=_month_plan(counts, month),
                last_year_month=first_before,
                last_year_fact=facts["last_year"].get(first_before, Fact()),
                last_year_plan_amount=_month_plan(amounts, before),
            )
        )
    return points


def dashboard(viewer: User, period: Period, today: datetime.date, threshold: Decimal | None = None) -> Dashboard:
    """The dashboard of `period` as seen by `viewer` on `today` (docs/metrics.md, «Sales against plan»).

    The root of the hierarchy (and so the KPIs and the plan compared with) is the viewer's scope: the
    company for the head of sales, the team for a senior manager, the person for a manager.
    """
    threshold = default_threshold() if threshold is None else threshold
    windows = comparison_windows(period, today)
    root, inputs = load_inputs(viewer, windows, today, threshold)
    tree = _node(root, inputs)
    kpis = inputs.kpis(period, inputs.fact("current", root.manager_ids()), plan_key(root))
    forecast = weighted_forecast(viewer, period, today, fact_amount=kpis.amount.fact)
    plan = kpis.amount.plan
    return Dashboard(
        period=period,
        today=today,
        threshold=threshold,
        kpis=kpis,
        forecast=forecast,
        forecast_gap_amount=None if plan is None else forecast.forecast_amount - plan,
        dynamics=Dynamics(
            previous=_comparison(root, kpis, (windows.previous, windows.previous_comparable), "previous", inputs),
            last_year=_comparison(root, kpis, (windows.last_year, windows.last_year_comparable), "last_year", inputs),
        ),
        trend=_trend(viewer, root, inputs),
        tree=tree,
        by_product_line=line_rows(viewer, root, inputs),
        by_segment=segment_rows(viewer, inputs),
    )
