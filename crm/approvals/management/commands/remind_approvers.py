from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from crm.approvals.services import remind_approvers


class Command(BaseCommand):
    help = (
        "Напоминает согласующим о запросах, ждущих решения дольше CRM_APPROVAL_REMINDER_HOURS часов "
        "(не чаще раза в день по каждому запросу; для cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = remind_approvers()
        hours = settings.CRM_APPROVAL_REMINDER_HOURS
        self.stdout.write(f"Отправлено напоминаний о запросах, ждущих дольше {hours} ч: {sent}")
