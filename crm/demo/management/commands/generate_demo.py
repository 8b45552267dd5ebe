import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from crm.demo.generator import SCALES, generate, reset_business_data
from crm.demo.queries import business_data_count, story_figures


class Command(BaseCommand):
    help = "Генерирует детерминированные демо-данные отдела продаж: 3 полных года и текущий год до сегодня."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="S", help="XS, S, M или L (по умолчанию S)")
        parser.add_argument("--seed", type=int, default=42, help="зерно генератора (по умолчанию 42)")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="«сегодня» в формате ГГГГ-ММ-ДД")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--if-empty", action="store_true", help="ничего не делать, если клиенты уже есть")
        mode.add_argument("--reset", action="store_true", help="сначала удалить сгенерированные бизнес-данные")

    def handle(self, *args: Any, **options: Any) -> None:
        existing = business_data_count()
        if existing and options["if_empty"]:
            self.stdout.write(
                f"Демо-данные не созданы: база не пуста (клиенты, регионы, команды, продукты: {existing})."
            )
            return
        if existing and not options["reset"]:
            raise CommandError(
                f"База не пуста (клиенты, регионы, команды, продукты: {existing}). Запустите с --reset, чтобы "
                "пересоздать демо-данные (журнал аудита сохранится), или с --if-empty, чтобы ничего не делать."
            )
        if options["reset"]:
            deleted = reset_business_data()
            self.stdout.write(f"Удалено записей: {sum(deleted.values())} (журнал аудита не затронут).")
        today = options["today"] or timezone.localdate()
        scale = SCALES[options["scale"]]
        self.stdout.write(f"Масштаб {scale.code}, зерно {options['seed']}, сегодня {today:%d.%m.%Y}.")
        report = generate(scale=scale, seed=options["seed"], today=today, log=self.stdout.write)
        for label, count in report.counts.items():
            self.stdout.write(f"  {label:<32} {count:>10}")
        self.stdout.write("Заложенные истории (docs/demo-data.md):")
        for story, figure in story_figures(today):
            self.stdout.write(f"  ({story}) {figure}")
        self.stdout.write(self.style.SUCCESS(f"Готово за {report.seconds:.1f} с."))
