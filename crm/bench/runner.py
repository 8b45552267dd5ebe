"""One benchmark run on the current database: every registered screen, operation and figure.

Requests go through Django's full request handler in this process (server time, no network), warm.
"""

import platform
import sqlite3
from dataclasses import dataclass
from functools import partial
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient

from crm.analytics.rollups.refresh import refresh_rollups
from crm.approvals.models import ApprovalRequest
from crm.bench.cases import (
    BULK_ROWS,
    FIGURES,
    OPERATIONS,
    SCREENS,
    BenchError,
    Context,
    Figure,
    request_to_approve,
)
from crm.bench.measure import measure, time_only
from crm.bench.references import DuckDbReference, PostgresReference, normalise, postgres_available, same_rows
from crm.clients.models import Client
from crm.core.periods import Period, today
from crm.core.runtime import tune_garbage_collector
from crm.org.models import User
from crm.pipeline.models import Deal
from crm.policies.models import Contract
from crm.profitability.queries.snapshot import refresh as refresh_profitability

DEMO_LOGINS = ("head", "senior", "manager")


@dataclass(frozen=True)
class Options:
    scale: str
    repeat: int
    only: str = ""
    references: bool = True
    refresh_parquet: bool = False
    bulk_rows: int = BULK_ROWS


def context_for_demo(bulk_rows: int = BULK_ROWS) -> Context:
    """The demo users and sample records the URLs need (the team of `senior`, the `manager`, a client)."""
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_LOGINS)}
    missing = sorted(set(DEMO_LOGINS) - set(users))
    if missing:
        raise BenchError(f"Нет демо-пользователей {', '.join(missing)}: запустите manage.py demo_users.")
    manager = users["manager"]
    client = Client.objects.filter(manager=manager).order_by("pk").values_list("pk", flat=True).first()
    if client is None or users["senior"].team_id is None:
        raise BenchError("В базе нет демо-данных: запустите manage.py generate_demo.")
    day = today()
    quarter = (day.month - 1) // 3 + 1
    ids = {"team": users["senior"].team_id, "manager": manager.pk, "client": client}
    context = Context(today=day, period=Period.quarter(day.year, quarter), users=users, ids=ids, bulk_rows=bulk_rows)
    approval = ApprovalRequest.objects.order_by("pk").values_list("pk", flat=True).first()
    # Data generated before approvals existed has none: the card is measured on one submitted now.
    ids["approval"] = approval if approval is not None else request_to_approve(context).pk
    return context


def _selected(label: str, only: str) -> bool:
    return not only or only.lower() in label.lower()


def _get(http: HttpClient, url: str, _state: object) -> Any:
    return http.get(url)


def _screens(context: Context, options: Options) -> list[dict[str, Any]]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clients: dict[str, HttpClient] = {}
    results = []
    for screen in SCREENS:
        if not _selected(screen.label, options.only):
            continue
        if screen.user not in clients:
            clients[screen.user] = HttpClient()
            clients[screen.user].force_login(context.users[screen.user])
        http, url = clients[screen.user], screen.url(context)
        timing, response = measure(partial(_get, http, url), repeat=options.repeat)
        if response.status_code != 200:
            raise BenchError(f"{screen.label}: {url} ответил {response.status_code}")
        results.append({"label": screen.label, "url": url, "user": screen.user, **timing.as_dict()})
    return results


def _operations(context: Context, options: Options) -> list[dict[str, Any]]:
    results = []
    for operation in OPERATIONS:
        label = operation.label_for(context)
        if not _selected(label, options.only):
            continue
        repeat = min(options.repeat, operation.repeat or options.repeat)
        timing, _result = measure(
            partial(operation.run, context),
            repeat=repeat,
            setup=partial(operation.setup, context),
            teardown=partial(operation.teardown, context),
            long=operation.repeat is not None,
        )
        results.append({"label": label, "target_ms": operation.target_ms, **timing.as_dict()})
    if results:
        # Untimed: what the operations wrote (deals, payments) is refreshed into the roll-ups and the
        # profitability snapshot, so that the next run's screens find the database as this one did.
        refresh_rollups(today=context.today)
        refresh_profitability(today=context.today)
    return results


def _figure(figure: Figure, context: Context, options: Options, refs: tuple[Any, Any] | None) -> dict[str, Any]:
    timing, product_rows = measure(lambda _state: list(figure.product(context)), repeat=options.repeat)
    result: dict[str, Any] = {"label": figure.label, "rows": len(product_rows), **timing.as_dict()}
    if refs is None:
        return result
    expected, params = normalise(product_rows), figure.params(context)
    for name, reference in zip(("sql", "duckdb"), refs, strict=True):
        samples, rows = time_only(partial(reference.rows, figure.sql, params), repeat=options.repeat)
        median = sorted(samples)[len(samples) // 2]
        equal = same_rows(expected, normalise(rows), floating=name == "duckdb")
        result[f"{name}_ms"] = round(median, 1)
        result[f"{name}_equal"] = equal
        result[f"{name}_ratio"] = round(timing.median_ms / median, 2) if median else None
        if not equal:
            result[f"{name}_difference"] = _difference(expected, normalise(rows))
    return result


def _difference(expected: list[tuple[Any, ...]], actual: list[tuple[Any, ...]]) -> str:
    only_product = [row for row in expected if row not in actual][:3]
    only_reference = [row for row in actual if row not in expected][:3]
    return f"product only: {only_product!r}; reference only: {only_reference!r}"


def _figures(context: Context, options: Options) -> tuple[list[dict[str, Any]], float | None]:
    figures = [figure for figure in FIGURES if _selected(figure.label, options.only)]
    if not figures:
        return [], None
    if not (options.references and postgres_available()):
        return [_figure(figure, context, options, None) for figure in figures], None
    postgres = PostgresReference()
    tables = [table for figure in figures for table in figure.tables]
    duck = DuckDbReference(postgres, tables, refresh=options.refresh_parquet)
    try:
        return [_figure(figure, context, options, (postgres, duck)) for figure in figures], duck.export_seconds
    finally:
        duck.close()
        postgres.close()


def machine() -> dict[str, Any]:
    """CPU, cores, memory and versions, for the report."""
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
        with open("/proc/meminfo", encoding="utf-8") as info:
            memory_kib = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
    except OSError:
        memory_kib = 0
    import os

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"SQLite {sqlite3.sqlite_version}"
    try:
        import duckdb

        duck = duckdb.__version__
    except ImportError:  # pragma: no cover - duckdb is a locked dev dependency
        duck = "—"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 2**20, 1),
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "duckdb": duck,
    }


def run(options: Options) -> dict[str, Any]:
    """Measure everything registered; raises BenchError after the run when a figure differs from a reference."""
    tune_garbage_collector()  # as the web server runs (config/wsgi.py)
    context = context_for_demo(options.bulk_rows)
    figures, export_seconds = _figures(context, options)
    result = {
        "scale": options.scale,
        "database": connection.vendor,
        "today": context.today.isoformat(),
        "repeat": options.repeat,
        "data": {
            "clients": Client.objects.count(),
            "contracts": Contract.objects.count(),
            "deals": Deal.objects.count(),
        },
        "machine": machine(),
        "screens": _screens(context, options),
        "operations": _operations(context, options),
        "figures": figures,
        "parquet_export_s": None if export_seconds is None else round(export_seconds, 1),
    }
    return result


def mismatches(result: dict[str, Any]) -> list[str]:
    """Figures whose product value differs from a reference, with the differing rows."""
    problems = []
    for figure in result["figures"]:
        for name in ("sql", "duckdb"):
            if figure.get(f"{name}_equal") is False:
                problems.append(f"{figure['label']} ≠ {name}: {figure[f'{name}_difference']}")
    return problems
