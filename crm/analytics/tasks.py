"""Background tasks of the sales analytics (django.tasks; cron runs the `send_plan_alerts` and `refresh_rollups`
commands instead)."""

from django.tasks import task

from crm.analytics.alerts import send_plan_alerts
from crm.analytics.rollups import refresh_rollups
from crm.core.periods import today


@task
def send_plan_alerts_task() -> int:
    """The daily plan alert for today; returns how many notifications were sent."""
    return send_plan_alerts(today())


@task
def refresh_rollups_task(full: bool = False) -> int:
    """Bring the monthly roll-ups up to date (incremental, or every month with `full`); returns months recomputed."""
    return refresh_rollups(full=full).months
