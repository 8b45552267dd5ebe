"""What `make bench` measures: screens, operations and analytic figures, one line (or one entry) each.

- A `Screen` is a URL requested through Django's full request handler as a demo user.
- An `Operation` is a service call (with an untimed setup and teardown when it changes data): `operations.py`.
- A `Figure` is an analytic figure: the product's function, and the same figure written by hand in SQL,
  which runs on PostgreSQL through psycopg and on DuckDB over the same tables exported to Parquet. The
  benchmark fails when the product's figure differs from a reference: `figures.py`.

The kinds and the context are in `kinds.py`; the screens are listed here.

SQL is written once for both engines with `:name` parameters; tables keep their PostgreSQL names.
"""

from crm.bench.figures import FIGURES
from crm.bench.kinds import BULK_ROWS, BenchError, Context, Figure, Operation, Row, Screen
from crm.bench.operations import IMPORTED, OPERATIONS, request_to_approve

__all__ = [
    "BULK_ROWS",
    "FIGURES",
    "IMPORTED",
    "OPERATIONS",
    "SCREENS",
    "BenchError",
    "Context",
    "Figure",
    "Operation",
    "Row",
    "Screen",
    "request_to_approve",
]

SCREENS: list[Screen] = [
    Screen("dashboard page", lambda c: "/dashboard/"),
    Screen("dashboard API", lambda c: "/api/dashboard/?period=quarter"),
    Screen("dashboard API: hot spots", lambda c: "/api/dashboard/hot-spots/?period=quarter"),
    Screen("dashboard: drill-down to a team", lambda c: f"/dashboard/node/team:{c.ids['team']}/"),
    Screen("dashboard: drill-down to a manager", lambda c: f"/dashboard/node/manager:{c.ids['manager']}/"),
    Screen("dashboard API: a manager's deals", lambda c: f"/api/dashboard/managers/{c.ids['manager']}/deals/"),
    Screen("dashboard: XLSX export of the hierarchy", lambda c: "/dashboard/export/hierarchy.xlsx"),
    Screen("deal list of a manager, page 1", lambda c: "/deals/", user="manager"),
    Screen("deal list, all deals, page 1", lambda c: "/deals/"),
    Screen("deal list, all deals, page 50", lambda c: "/deals/?page=50"),
    Screen("client card", lambda c: f"/clients/{c.ids['client']}/"),
    Screen("client card: profitability panel", lambda c: f"/profitability/clients/{c.ids['client']}/panel/"),
    Screen("audit journal", lambda c: "/audit/"),
    Screen("Top-20 clients by 3-year LTV", lambda c: "/profitability/"),
    Screen("loss ratio by industry", lambda c: "/profitability/loss-ratio/"),
    Screen("toxic clients", lambda c: "/profitability/toxic/"),
    Screen("API: Top-20 by LTV", lambda c: "/api/profitability/ltv/"),
    Screen("API: loss ratio by industry", lambda c: "/api/profitability/loss-ratio/"),
    Screen("API: toxic clients", lambda c: "/api/profitability/toxic/"),
    Screen("approval inbox, head", lambda c: "/approvals/"),
    Screen("approval inbox, senior", lambda c: "/approvals/", user="senior"),
    Screen("approval decision card", lambda c: f"/approvals/{c.ids['approval']}/"),
    Screen("discount rules", lambda c: "/discounts/"),
]
