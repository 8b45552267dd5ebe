from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from crm.core.periods import today
from crm.imports.bench_files import contracts_for_files, write_claims, write_payments


class Command(BaseCommand):
    help = (
        "Пишет файлы для замера импорта из договоров текущей базы (только читает её): платежи и убытки "
        "в формате типовой выгрузки 1С (CSV, UTF-8 с BOM, «;»). Новые внешние ID — BENCH-…"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="var/bench-imports", help="Папка для файлов.")
        parser.add_argument("--payments", type=int, default=100_000, help="Строк платежей.")
        parser.add_argument("--claims", type=int, default=1_000_000, help="Строк убытков.")
        parser.add_argument("--paid", action="store_true", help="Платежи уже оплачены (для замера изменений).")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        day = today()
        contracts = contracts_for_files(day)
        suffix = "-paid" if options["paid"] else ""
        payments = write_payments(
            out / f"payments-{options['payments']}{suffix}.csv",
            options["payments"],
            paid=options["paid"],
            day=day,
            contracts=contracts,
        )
        claims = write_claims(out / f"claims-{options['claims']}.csv", options["claims"], day=day, contracts=contracts)
        self.stdout.write(f"{payments}\n{claims}")
