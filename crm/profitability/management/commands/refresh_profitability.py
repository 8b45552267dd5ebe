"""Bring the profitability snapshot up to date (cron: nightly full after midnight, incremental every few minutes)."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from crm.profitability.queries.snapshot import refresh


class Command(BaseCommand):
    help = "Пересчитывает срез прибыльности клиентов: изменившихся клиентов или всех (--full)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--full", action="store_true", help="пересчитать всех клиентов")
        parser.add_argument("--today", help="дата среза (ГГГГ-ММ-ДД), по умолчанию сегодня")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = datetime.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as error:
            raise CommandError("Дата среза — в формате ГГГГ-ММ-ДД.") from error
        report = refresh(full=options["full"], today=today)
        kind = "полный" if report.full else "по изменившимся клиентам"
        self.stdout.write(
            f"Срез прибыльности на {report.today:%d.%m.%Y} ({kind}): клиентов {report.clients}, "
            f"строк {report.rows}, {report.seconds:.1f} с"
        )
