"""The operations `make bench` times: service calls, with an untimed setup and teardown when they write."""

import atexit
import datetime
import functools
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection

from crm.analytics.models import RollupDirtyDay, RollupStat
from crm.analytics.rollups.refresh import refresh_rollups
from crm.approvals.services import approve_request, submit_request
from crm.audit.queries import events_for
from crm.bench.kinds import BenchError, Context, Operation
from crm.catalog.models import Product
from crm.clients.models import Client
from crm.core.exports import Column as ExportColumn
from crm.core.exports import Kind, TableSpec, write_xlsx
from crm.finance.models import Claim, Instalment
from crm.imports.bench_files import write_payments
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.services import import_local_file
from crm.pipeline.models import Deal
from crm.pipeline.services import create_deal
from crm.policies.models import Contract
from crm.profitability.models import DirtyClient
from crm.profitability.queries.snapshot import refresh as refresh_profitability


def request_to_approve(context: Context) -> Any:
    """A new deal of `manager` with a 30 % discount request, routed to the head (untimed setup)."""
    manager = context.users["manager"]
    client = Client.objects.get(pk=context.ids["client"])
    deal = create_deal(
        actor=manager,
        data={
            "client": client,
            "product": Product.objects.filter(is_active=True).order_by("pk").first(),
            "amount": Decimal("1000000.00"),
        },
    )
    return submit_request(actor=manager, deal=deal, discount_rate=Decimal("0.30"), justification="Замер")


def _approve(context: Context, request: Any) -> Any:
    return approve_request(
        actor=context.head, request=request, comment="Замер", override_reason="Замер производительности"
    )


def _audit_trail(context: Context, _state: Any) -> Any:
    return list(events_for("clients.client", context.ids["client"])[:100])


CLAIMS_TABLE = TableSpec(
    "Страховые случаи",
    [
        ExportColumn("Номер договора"),
        ExportColumn("Дата убытка", Kind.DATE),
        ExportColumn("Дата заявления", Kind.DATE),
        ExportColumn("Произошедший убыток, ₽", Kind.RUB),
        ExportColumn("Выплачено, ₽", Kind.RUB),
        ExportColumn("Статус"),
    ],
    frozen_columns=1,
)


def _export_claims(context: Context, _state: Any) -> int:
    """The first `bulk_rows` claim lines to XLSX, streamed from the database as the exports do."""
    # The LIMIT goes into the SQL: a server-side cursor without it is planned for all 9.5 M claims at scale L
    # (a hash join and a sort before the first row: 12 s instead of 6 s).
    rows = (
        Claim.objects.order_by("pk")
        .values_list("contract__number", "loss_on", "reported_on", "incurred_amount", "paid_amount", "status")[
            : context.bulk_rows
        ]
        .iterator(chunk_size=5000)
    )
    with tempfile.TemporaryFile() as target:
        return write_xlsx(CLAIMS_TABLE, rows, target)


IMPORTED = "BENCHOP-P"  # external ids of the payments the import operation creates (and its teardown deletes)


@dataclass
class ImportRun:
    path: Path
    job_id: int | None = None


@functools.cache
def _payments_file(rows: int, database: str) -> Path:
    """A CSV of `rows` new payments of this database's contracts, written once per process."""
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return write_payments(folder / f"payments-{rows}.csv", rows, prefix=IMPORTED)


def _import_setup(context: Context) -> ImportRun:
    return ImportRun(_payments_file(context.bulk_rows, connection.settings_dict["NAME"]))


def _import_payments(context: Context, state: ImportRun) -> ImportJob:
    """Upload the file and import it as the head would from the command line (one transaction)."""
    job = import_local_file(actor=context.head, source="payments", path=state.path, preset="system")
    state.job_id = job.pk
    if job.status != ImportStatus.DONE or job.created_count != context.bulk_rows:
        raise BenchError(f"импорт платежей: {job.get_status_display()}, создано {job.created_count}: {job.message}")
    return job


def _import_teardown(_context: Context, state: ImportRun) -> None:
    """Delete the imported payments and the job with its stored file, so that every run creates them anew.

    On PostgreSQL the table is vacuumed too: 100 000 rows written and deleted per run left, at scale S, 600 000
    dead rows beside 14 000 live ones (111 MB) before autovacuum came round, and each import slowed by half.
    """
    Instalment.objects.filter(external_id__startswith=IMPORTED).delete()
    job = None if state.job_id is None else ImportJob.objects.filter(pk=state.job_id).first()
    if job is not None:
        shutil.rmtree(Path(job.file.path).parent, ignore_errors=True)
        job.delete()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Instalment._meta.db_table}")


def _written_days(context: Context) -> list[datetime.date]:
    """The days a day of writes touches: today and yesterday (new contracts, closed deals) and, through a
    cancellation or a correction, a day of last month."""
    last_month = (context.today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return [context.today, context.today - datetime.timedelta(days=1), last_month]


def _a_day_of_writes_for_rollups(context: Context) -> None:
    """Mark the roll-up days a day of writes marks (untimed; the refresh recomputes whole days from the source)."""
    days = _written_days(context)
    RollupDirtyDay.objects.bulk_create([RollupDirtyDay(stat=stat, day=day) for stat in RollupStat for day in days])


def _refresh_rollups(context: Context, _state: Any) -> Any:
    return refresh_rollups(today=context.today)


def _a_day_of_writes_for_profitability(context: Context) -> None:
    """Mark the clients yesterday's writes marked: contracts concluded, deals created or closed (untimed)."""
    yesterday = context.today - datetime.timedelta(days=1)
    clients = set(Contract.objects.filter(concluded_on=yesterday).values_list("client_id", flat=True))
    clients |= set(Deal.objects.filter(closed_on=yesterday).values_list("client_id", flat=True))
    clients |= set(Deal.objects.filter(created_at__date=yesterday).values_list("client_id", flat=True))
    DirtyClient.objects.bulk_create([DirtyClient(client_id=client) for client in sorted(clients)])


def _refresh_profitability(context: Context, _state: Any) -> Any:
    return refresh_profitability(today=context.today)


OPERATIONS: list[Operation] = [
    Operation("approve a request (service, head)", _approve, request_to_approve),
    Operation("audit trail of a client (100 latest events)", _audit_trail),
    # Background jobs (cron every few minutes): the bound is «nothing past 10 s runs synchronously».
    Operation(
        "roll-up refresh after a day of writes (3 days marked)",
        _refresh_rollups,
        _a_day_of_writes_for_rollups,
        target_ms=10_000,
    ),
    Operation(
        "profitability snapshot refresh after a day of writes (yesterday's clients)",
        _refresh_profitability,
        _a_day_of_writes_for_profitability,
        target_ms=10_000,
    ),
    Operation(
        "import of {rows} payments (CSV, 1С export)",
        _import_payments,
        _import_setup,
        _import_teardown,
        target_ms=20_000,  # 5 000 rows a second (the integrations issue)
        repeat=2,
    ),
    Operation("export of {rows} claim lines to XLSX", _export_claims, target_ms=10_000, repeat=2),
]
