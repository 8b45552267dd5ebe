import csv
import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from crm.core.periods import today
from crm.imports.sources import SOURCES, SourceKind
from crm.policies.models import Contract

BOM = "\ufeff"


def _rub(kopecks: int) -> str:
    """Kopecks as a Russian export writes roubles: `1 234,56` with a non-breaking space."""
    roubles, rest = divmod(kopecks, 100)
    return f"{roubles:,}".replace(",", "\u00a0") + f",{rest:02d}"


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
        contracts = list(
            Contract.objects.filter(starts_on__lte=day - datetime.timedelta(days=30))
            .order_by("id")
            .values_list("external_id", "starts_on", "ends_on", "terminated_on")
        )
        suffix = "-paid" if options["paid"] else ""
        payments = out / f"payments-{options['payments']}{suffix}.csv"
        self._payments(payments, contracts, options["payments"], day, paid=options["paid"])
        claims = out / f"claims-{options['claims']}.csv"
        self._claims(claims, contracts, options["claims"], day)
        self.stdout.write(f"{payments}\n{claims}")

    def _writer(self, path: Path, kind: SourceKind) -> tuple[Any, Any, list[str]]:
        columns = SOURCES[kind].presets[0].columns
        stream = path.open("w", encoding="utf-8", newline="")
        stream.write(BOM)
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        keys = list(columns)
        writer.writerow([columns[key] for key in keys])
        return stream, writer, keys

    def _payments(self, path: Path, contracts: list[Any], count: int, day: datetime.date, *, paid: bool) -> None:
        stream, writer, keys = self._writer(path, SourceKind.PAYMENTS)
        for number in range(count):
            external_id, starts_on, ends_on, _terminated_on = contracts[number % len(contracts)]
            due_on = min(starts_on + datetime.timedelta(days=30 * (number // len(contracts) % 12)), ends_on)
            amount = 100_000 + number * 7 % 9_000_000
            paid_on = min(due_on, day) if paid else None
            values = {
                "external_id": f"BENCH-P{number:08d}",
                "contract_external_id": external_id,
                "contract_number": "",
                "due_on": f"{due_on:%d.%m.%Y}",
                "amount": _rub(amount),
                "paid_on": f"{paid_on:%d.%m.%Y}" if paid_on else "",
                "paid_amount": _rub(amount) if paid else "",
            }
            writer.writerow([values[key] for key in keys])
        stream.close()

    def _claims(self, path: Path, contracts: list[Any], count: int, day: datetime.date) -> None:
        stream, writer, keys = self._writer(path, SourceKind.CLAIMS)
        for number in range(count):
            external_id, starts_on, ends_on, terminated_on = contracts[number % len(contracts)]
            span = max((min(terminated_on or ends_on, day) - starts_on).days, 1)
            loss_on = starts_on + datetime.timedelta(days=number * 13 % span)
            reported_on = min(loss_on + datetime.timedelta(days=number % 5), day)
            amount = 1_000_00 + number * 37 % 50_000_00
            values = {
                "external_id": f"BENCH-C{number:08d}",
                "contract_external_id": external_id,
                "contract_number": "",
                "loss_on": f"{loss_on:%d.%m.%Y}",
                "reported_on": f"{reported_on:%d.%m.%Y}",
                "paid_on": "",
                "incurred_amount": _rub(amount),
                "paid_amount": "",
                "status": "Заявлен",
            }
            writer.writerow([values[key] for key in keys])
        stream.close()
