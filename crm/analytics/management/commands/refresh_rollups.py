import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.analytics.models import RollupStat
from crm.analytics.rollups import refresh_rollups


class Command(BaseCommand):
    help = (
        "Обновляет помесячные своды продаж для дашборда: по умолчанию только изменённые и новые месяцы, "
        "с --full — все. Прерванный запуск продолжается со следующего месяца (для cron, каждые 5–15 минут)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="пересчитать все месяцы")
        parser.add_argument(
            "--stat", choices=[stat.value for stat in RollupStat], action="append", help="только этот свод"
        )
        parser.add_argument("--today", help="«сегодня», ГГГГ-ММ-ДД (по умолчанию — сегодня)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["today"]:
            try:
                day = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today: ожидается дата ГГГГ-ММ-ДД, получено «{options['today']}»") from None
        stats = [RollupStat(value) for value in options["stat"] or RollupStat.values]
        log = self.stdout.write if options["verbosity"] > 1 else None
        report = refresh_rollups(full=options["full"], stats=stats, today=day, log=log)
        for stat in report.stats:
            label = RollupStat(stat.stat).label
            if stat.busy:
                self.stdout.write(self.style.WARNING(f"{label}: уже обновляется другим процессом, пропущено"))
                continue
            resumed = " (продолжение прерванного обновления)" if stat.resumed else ""
            self.stdout.write(
                f"{label}: пересчитано месяцев {len(stat.months)}, строк {stat.rows}, {stat.seconds:.1f} с{resumed}"
            )
