"""Roll-ups of the dashboard's sales figures: triggers mark changed days, a refresh recomputes their months.

Public API: `refresh_rollups(full=False)` (also the `refresh_rollups` command and `refresh_rollups_task`),
`install_triggers()` (run after every migrate). Readers: `crm.analytics.queries.sources`.
See docs/decisions/0005-analytics-rollups.md.
"""

from crm.analytics.rollups.refresh import (
    MonthTask,
    RefreshReport,
    StatReport,
    months_to_refresh,
    plan_refresh,
    refresh_month,
    refresh_rollups,
)
from crm.analytics.rollups.triggers import drop_triggers, install_triggers

__all__ = [
    "MonthTask",
    "RefreshReport",
    "StatReport",
    "drop_triggers",
    "install_triggers",
    "months_to_refresh",
    "plan_refresh",
    "refresh_month",
    "refresh_rollups",
]
