import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.analytics.alerts import send_plan_alerts
from crm.core.periods import today


class Command(BaseCommand):
    help = "Уведомляет владельцев узлов иерархии и начальника отдела об отклонениях от плана (раз в день, для cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="День расчёта, ГГГГ-ММ-ДД; по умолчанию — сегодня.")

    def handle(self, *args: Any, **options: Any) -> None:
        day = today()
        if options["today"]:
            try:
                day = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today: ожидается дата ГГГГ-ММ-ДД, получено «{options['today']}»") from None
        sent = send_plan_alerts(day)
        self.stdout.write(f"Отправлено уведомлений об отклонениях от плана: {sent} (на {day:%d.%m.%Y})")
