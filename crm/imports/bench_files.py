"""Large import files made from the contracts of the current database, for measuring the import.

The finance system's 1С-style export (CSV, UTF-8 with BOM, «;», `1 234,56`, `26.11.2026`); every row names
another contract, the worst case for loading references. New external ids `<prefix>00000000…`, so the rows
are created, not matched. Used by `manage.py import_bench_files` and by `make bench`.
"""

import csv
import datetime
from collections.abc import Callable
from pathlib import Path

from crm.core.periods import today
from crm.imports.sources import SOURCES, SourceKind
from crm.policies.models import Contract

BOM = "\ufeff"
ContractRow = tuple[str | None, datetime.date, datetime.date, datetime.date | None]


def rub(kopecks: int) -> str:
    """Kopecks as a Russian export writes roubles: `1 234,56` with a non-breaking space."""
    roubles, rest = divmod(kopecks, 100)
    return f"{roubles:,}".replace(",", "\u00a0") + f",{rest:02d}"


def contracts_for_files(day: datetime.date) -> list[ContractRow]:
    """External id, start, end and termination of every contract with an external id started 30+ days before `day`."""
    return list(
        Contract.objects.filter(starts_on__lte=day - datetime.timedelta(days=30), external_id__isnull=False)
        .order_by("id")
        .values_list("external_id", "starts_on", "ends_on", "terminated_on")
    )


Values = dict[str, str | None]
RowOf = Callable[[int, ContractRow, int, datetime.date], Values]
"""A row's values from its number, its contract, how many times the contracts were gone through, and the day."""


def _write(
    path: Path,
    kind: SourceKind,
    count: int,
    row_of: RowOf,
    day: datetime.date | None,
    contracts: list[ContractRow] | None,
) -> Path:
    """`count` rows of `kind` under its first preset's headers, one contract after another."""
    day = day or today()
    contracts = contracts if contracts is not None else contracts_for_files(day)
    columns = SOURCES[kind].presets[0].columns
    keys = list(columns)
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(BOM)
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow([columns[key] for key in keys])
        for number in range(count):
            values = row_of(number, contracts[number % len(contracts)], number // len(contracts), day)
            writer.writerow([values[key] for key in keys])
    return path


def write_payments(
    path: Path,
    count: int,
    *,
    paid: bool = False,
    prefix: str = "BENCH-P",
    day: datetime.date | None = None,
    contracts: list[ContractRow] | None = None,
) -> Path:
    """`count` payment-schedule rows, one contract after another; `paid` marks each paid in full."""

    def payment(number: int, contract: ContractRow, cycle: int, day: datetime.date) -> Values:
        external_id, starts_on, ends_on, _terminated_on = contract
        due_on = min(starts_on + datetime.timedelta(days=30 * (cycle % 12)), ends_on)
        amount = 100_000 + number * 7 % 9_000_000
        paid_on = min(due_on, day) if paid else None
        return {
            "external_id": f"{prefix}{number:08d}",
            "contract_external_id": external_id,
            "contract_number": "",
            "due_on": f"{due_on:%d.%m.%Y}",
            "amount": rub(amount),
            "paid_on": f"{paid_on:%d.%m.%Y}" if paid_on else "",
            "paid_amount": rub(amount) if paid else "",
        }

    return _write(path, SourceKind.PAYMENTS, count, payment, day, contracts)


def write_claims(
    path: Path,
    count: int,
    *,
    prefix: str = "BENCH-C",
    day: datetime.date | None = None,
    contracts: list[ContractRow] | None = None,
) -> Path:
    """`count` reported claim lines, each within its contract's term and before `day`."""

    def claim(number: int, contract: ContractRow, _cycle: int, day: datetime.date) -> Values:
        external_id, starts_on, ends_on, terminated_on = contract
        span = max((min(terminated_on or ends_on, day) - starts_on).days, 1)
        loss_on = starts_on + datetime.timedelta(days=number * 13 % span)
        reported_on = min(loss_on + datetime.timedelta(days=number % 5), day)
        amount = 1_000_00 + number * 37 % 50_000_00
        return {
            "external_id": f"{prefix}{number:08d}",
            "contract_external_id": external_id,
            "contract_number": "",
            "loss_on": f"{loss_on:%d.%m.%Y}",
            "reported_on": f"{reported_on:%d.%m.%Y}",
            "paid_on": "",
            "incurred_amount": rub(amount),
            "paid_amount": "",
            "status": "Заявлен",
        }

    return _write(path, SourceKind.CLAIMS, count, claim, day, contracts)
