"""Background tasks of approvals (django.tasks); cron runs the `remind_approvers` command instead."""

from django.tasks import task

from crm.approvals.services import remind_approvers


@task
def remind_approvers_task() -> int:
    """Remind approvers of requests waiting too long; returns how many reminders were sent (once a day each)."""
    return remind_approvers()
