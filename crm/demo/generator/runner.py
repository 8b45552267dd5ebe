"""The generation run: org and catalogue, then clients in chunks (one transaction each), then stories and plans."""

import contextlib
import datetime
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model

from crm.analytics.rollups import refresh_rollups
from crm.catalog.models import ProductLine, Risk
from crm.clients.models import Client, Consent, Contact, Industry, LeadSource
from crm.demo.generator import amendments, approval_requests, discount_rules, plans
from crm.demo.generator.catalog import build_catalog
from crm.demo.generator.clients import make_profile, write_client, write_unconverted_leads
from crm.demo.generator.config import BATCH_SIZE, Scale
from crm.demo.generator.context import Context, Refs
from crm.demo.generator.dates import history_start
from crm.demo.generator.org import build_org
from crm.demo.generator.sales import write_sales
from crm.demo.generator.service import write_service
from crm.demo.generator.sink import PkAllocator, Sink, reset_sequences
from crm.finance.models import Claim, Instalment
from crm.pipeline.models import Activity, Deal, Lead, Stage
from crm.policies.models import Contract
from crm.profitability.queries.snapshot import refresh as refresh_profitability
from crm.service.models import Complaint, NpsResponse
from crm.underwriting.models import UnderwritingDecision

PREASSIGNED: list[type[Model]] = [Client, Contact, Lead, Deal, Contract]
WRITE_ORDER: list[type[Model]] = [
    Client,
    Contact,
    Consent,
    Lead,
    Deal,
    Deal.requested_risks.through,
    Contract,
    Activity,
    UnderwritingDecision,
    Instalment,
    Claim,
    Complaint,
    NpsResponse,
]


@dataclass(slots=True)
class GenerationReport:
    """What a run wrote and how long it took."""

    counts: dict[str, int]
    contracts_changed: list[str]
    seconds: float


def generate(*, scale: Scale, seed: int, today: datetime.date, log: Callable[[str], None] = print) -> GenerationReport:
    """Generate the whole department's history for `scale`; same seed and `today` give the same data."""
    with _sql_log_off():
        return _generate(scale, seed, today, log)


@contextlib.contextmanager
def _sql_log_off() -> Iterator[None]:
    """With DEBUG on, Django keeps the text of the last 9,000 statements: megabytes per bulk insert."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


def _generate(scale: Scale, seed: int, today: datetime.date, log: Callable[[str], None]) -> GenerationReport:
    started = time.monotonic()
    ctx = Context(scale, seed, today, history_start(today), load_refs(), PkAllocator(PREASSIGNED))
    with transaction.atomic():
        ctx.org = build_org(ctx)
        ctx.catalog = build_catalog(ctx)
    sink = Sink(WRITE_ORDER, BATCH_SIZE)
    for first in range(0, scale.clients, scale.chunk_clients):
        last = min(scale.clients, first + scale.chunk_clients)
        with transaction.atomic():
            for index in range(first, last):
                _write_client_history(ctx, index, sink)
            sink.flush()
        log(f"  клиенты {last:>7} из {scale.clients} — {time.monotonic() - started:6.1f} с")
    reset_sequences(PREASSIGNED)
    changed = amendments.change_terms_after_approval(ctx)
    sink.written["planning.SalesPlan"] = plans.build_plans(ctx)
    sink.written["discounts.DiscountRule"] = discount_rules.write_discount_rules(ctx)
    sink.written["approvals.ApprovalRequest"] = approval_requests.write_approval_requests(ctx)
    sink.written["analytics.rollups"] = refresh_rollups(full=True, today=today).rows  # fresh dashboard roll-ups
    sink.written["profitability.snapshot"] = refresh_profitability(full=True, today=today).rows  # fresh snapshot
    _planner_statistics()
    return GenerationReport(sink.written, changed, time.monotonic() - started)


def _planner_statistics() -> None:
    """Statistics for the query planner after the bulk load, which autovacuum would gather only minutes later.

    Until then PostgreSQL plans for nearly empty tables, and index-only scans (the open-deal forecast) read the
    heap because the visibility map is empty: VACUUM ANALYZE, which cannot run inside a transaction (tests), where
    ANALYZE alone is run. SQLite: ANALYZE.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def _write_client_history(ctx: Context, index: int, sink: Sink) -> None:
    profile = make_profile(ctx, index)
    write_client(ctx, profile, sink)
    sales = write_sales(ctx, profile, sink)
    write_service(ctx, profile, sales, sink)
    write_unconverted_leads(ctx, index, sink)


def load_refs() -> Refs:
    """Reference data loaded by the migrations, keyed by code."""
    risks = list(Risk.objects.order_by("code").values_list("code", "id", "name", "product_line__code"))
    lines = dict(ProductLine.objects.order_by("position", "code").values_list("code", "id"))
    return Refs(
        industries=dict(Industry.objects.values_list("code", "id")),
        lead_sources=dict(LeadSource.objects.values_list("code", "id")),
        lines=lines,
        risks={code: pk for code, pk, _n, _l in risks},
        risk_names={code: name for code, _p, name, _l in risks},
        risks_by_line={line: [code for code, _p, _n, lc in risks if lc == line] for line in lines},
        uncovered_risks=[code for code, _p, _n, line in risks if line is None],
        stages=list(Stage.objects.filter(is_active=True).order_by("position").values_list("id", "default_probability")),
    )
