"""Monthly sales plans for the company (also per line), every region, team and salesperson.

A plan is set near what the scope actually sold (or, for the rest of the current year, a year earlier
plus growth), with noise; the team of story (a) got a stretched plan for the current quarter.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from crm.demo.generator import stories
from crm.demo.generator.config import BATCH_SIZE
from crm.demo.generator.context import Context
from crm.demo.generator.dates import add_months, days_in_month, month_range, month_start, quarter_start
from crm.planning.models import PlanScope, SalesPlan
from crm.policies.models import Contract

GROWTH = 1.08
AMBITION = 1.02
NOISE: dict[str, float] = {
    PlanScope.COMPANY: 0.02,
    PlanScope.REGION: 0.03,
    PlanScope.TEAM: 0.05,
    PlanScope.MANAGER: 0.08,
}

Series = dict[datetime.date, list[float]]  # month → [amount, contracts]


def build_plans(ctx: Context) -> int:
    """Write a plan for every month from the start of the history to December of the current year."""
    facts = _facts(ctx)
    months = month_range(ctx.start, datetime.date(ctx.today.year, 12, 1))
    rng = ctx.rng_for("plans", 0)
    rows = []
    for scope, target, key in _scopes(ctx):
        stretched = _is_stretched(ctx, scope, target)
        for month in months:
            amount, count = _basis(ctx, facts[key], month)
            factor = AMBITION * (1 + rng.uniform(-NOISE[scope], NOISE[scope]))
            if stretched and quarter_start(month) == quarter_start(ctx.today):
                factor *= float(stories.UNDER_PLAN_FACTOR)
            rows.append(_plan(scope, target, month, amount * factor, count * factor))
    SalesPlan.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _scopes(ctx: Context) -> list[tuple[str, dict[str, int], tuple[str, int | str]]]:
    """(scope, target field ids, key in the facts) in a fixed order: company, lines, regions, teams, people."""
    scopes: list[tuple[str, dict[str, int], tuple[str, int | str]]] = [(PlanScope.COMPANY, {}, ("company", 0))]
    scopes += [(PlanScope.COMPANY, {"product_line_id": pk}, ("line", code)) for code, pk in ctx.refs.lines.items()]
    scopes += [(PlanScope.REGION, {"region_id": r.id}, ("region", r.id)) for r in ctx.org.regions]
    scopes += [(PlanScope.TEAM, {"team_id": t.id}, ("team", t.id)) for t in ctx.org.teams]
    people = [member for team in ctx.org.teams for member in team.members]
    scopes += [(PlanScope.MANAGER, {"manager_id": m.id}, ("manager", m.id)) for m in people]
    return scopes


def _is_stretched(ctx: Context, scope: str, target: dict[str, int]) -> bool:
    team = next(t for t in ctx.org.teams if t.name == stories.UNDER_PLAN_TEAM)
    if scope == PlanScope.TEAM:
        return target["team_id"] == team.id
    return scope == PlanScope.MANAGER and target["manager_id"] in {m.id for m in team.members}


def _facts(ctx: Context) -> dict[tuple[str, int | str], Series]:
    """Sales fact (written premium and count of contracts not cancelled) per scope and month."""
    team_of = {m.id: (t.id, t.region_code) for t in ctx.org.teams for m in t.members}
    region_id = {r.code: r.id for r in ctx.org.regions}
    facts: dict[tuple[str, int | str], Series] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    rows = (
        Contract.objects.sold()
        .filter(concluded_on__gte=ctx.start)
        .annotate(month=TruncMonth("concluded_on"))
        .values_list("manager_id", "month", "product__product_line__code")
        .annotate(amount=Sum("written_premium_amount"), count=Count("id"))
    )
    for manager_id, month, line, amount, count in rows:
        team_id, region_code = team_of[manager_id]
        keys = [("company", 0), ("line", line), ("region", region_id[region_code]), ("team", team_id)]
        for key in [*keys, ("manager", manager_id)]:
            facts[key][month][0] += float(amount)
            facts[key][month][1] += count
    return facts


def _basis(ctx: Context, series: Series, month: datetime.date) -> tuple[float, float]:
    """What the scope sold that month (the current month extrapolated; later months: a year earlier + growth);
    a month without sales gets a tenth of the scope's average month, so every scope has a plan."""
    current = month_start(ctx.today)
    if month < current:
        raw = series[month]
    elif month == current:
        raw = [value * days_in_month(month) / ctx.today.day for value in series[month]]
    else:
        raw = [value * GROWTH for value in series[add_months(month, -12)]]
    if raw[0] > 0:
        return raw[0], raw[1]
    past = [series[m] for m in month_range(ctx.start, add_months(current, -1))]
    amount, count = (sum(values[i] for values in past) / max(1, len(past)) / 10 for i in (0, 1))
    return amount, count


def _plan(scope: str, target: dict[str, int], month: datetime.date, amount: float, count: float) -> SalesPlan:
    plan = SalesPlan(
        month=month,
        scope=scope,
        amount=Decimal(round(amount, -3)).quantize(Decimal("0.01")),
        contracts_count=max(0, round(count)),
        **target,
    )
    plan.scope_key = plan.compute_scope_key()
    return plan
