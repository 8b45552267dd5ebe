"""Reads of sales analytics shaped for the head of sales' screens; a fixed number of queries each.

Public API (params in, typed rows from `crm.analytics.results` out):

- `sales_fact_by(viewer, period, dimension)` / `sales_facts_by(viewer, windows, dimension)` — sales fact
- `load_plans(periods, scope_keys)` — monthly plan rows as a `PlanBook`
- `weighted_forecast(viewer, period, today)` — weighted forecast with stages, overdue and undated deals
- `dashboard(viewer, period, today, threshold=None)` — everything the dashboard shows
- `manager_deals(viewer, manager_id, period, today)` — the drill-down's last level
- `hot_spots(viewer, today, period)` — falling / rising sales and low win rates, tested for significance
"""

from crm.analytics.queries.dashboard import dashboard
from crm.analytics.queries.deals import deal_outcomes_by_manager, weighted_forecast
from crm.analytics.queries.drilldown import manager_deals
from crm.analytics.queries.facts import load_plans, sales_fact_by, sales_facts_by
from crm.analytics.queries.hotspots import hot_spots
from crm.analytics.queries.inputs import default_threshold

__all__ = [
    "dashboard",
    "deal_outcomes_by_manager",
    "default_threshold",
    "hot_spots",
    "load_plans",
    "manager_deals",
    "sales_fact_by",
    "sales_facts_by",
    "weighted_forecast",
]
