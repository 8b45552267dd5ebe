"""Reads of client profitability shaped for the screens, the API and other apps; a fixed number of queries each.

Public API (params in, typed rows from `crm.profitability.results` out):

- `ltv_ranking(viewer, today, filters, order=, limit=)` — top / bottom clients by 3-year LTV
- `loss_ratio_report(viewer, window, filters)` — loss ratio by industry → segment → product line → clients
- `toxic_clients(viewer, today, filters, limit=)` — the clients whose toxic score reaches the threshold
- `client_score(client, today=)` — one client's score, every component with its reason
- `client_profile(client, today=)` — LTV, loss ratio, toxic flag and behaviour of one client (scenario 3)
"""

from crm.profitability.queries.loss_ratio import level_for, loss_ratio_report
from crm.profitability.queries.ltv import ltv_ranking, ltv_windows
from crm.profitability.queries.scope import Filters
from crm.profitability.queries.scores import client_profile, client_score, toxic_clients

__all__ = [
    "Filters",
    "client_profile",
    "client_score",
    "level_for",
    "loss_ratio_report",
    "ltv_ranking",
    "ltv_windows",
    "toxic_clients",
]
