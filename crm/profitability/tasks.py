"""Background tasks of client profitability (django.tasks; cron runs the `refresh_profitability` command instead)."""

from django.tasks import task

from crm.profitability.queries.snapshot import refresh


@task
def refresh_profitability_task(full: bool = False) -> int:
    """Bring the profitability snapshot up to date (dirty clients, or all with `full`); returns clients recomputed."""
    return refresh(full=full).clients
