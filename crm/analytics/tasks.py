"""Background tasks of the sales analytics (django.tasks; cron runs the `send_plan_alerts` command instead)."""

from django.tasks import task

from crm.analytics.alerts import send_plan_alerts
from crm.core.periods import today


@task
def send_plan_alerts_task() -> int:
    """The daily plan alert for today; returns how many notifications were sent."""
    return send_plan_alerts(today())
