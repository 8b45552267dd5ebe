# ruff: noqa: S608 — the SQL joins our own table, CTE and column names and constants; every value is a parameter.
"""The snapshot of the reports' default windows: refreshed from the on-demand ledger, read instead of it.

What is kept (for one `today`, per client and product line; docs/decisions/0009-profitability-snapshot.md):

- `LtvEntry` — the LTV entries (the three yearly windows y1…y3) exactly as `ledger.entries` gives them;
- `WindowEntry` — the entries of the default window (36 months ending today): the default loss-ratio period
  and, with the default settings, the toxic score's window;
- `LineNorm` — the company's claims and cover days per product line over that window (the claim-frequency norm);
- `ClientBehaviour` — deals, instalments, complaints, NPS per client over that window.

Every row is written by INSERT … SELECT from the **same** statements the reports run on demand
(`ledger.entries`, `behaviour.*_part`), grouped by client and line; the reports then read the rows instead of
the ledger CTEs and run their own unchanged SQL on top. Sums of numeric values are exact on PostgreSQL, so
every figure equals the on-demand one.

The read path (`ledger_source`): the snapshot is used when it was computed for the report's `today` and no
client is dirty; with a few dirty clients (≤ `SYNC_LIMIT`) they are recomputed first, in the request; with
more, or without a snapshot for today, the reports compute on demand (`None`). `disabled()` forces the
on-demand path (the reference, used by the tests to compare).
"""

import contextlib
import contextvars
import datetime
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from crm.clients.models import Client
from crm.core.periods import Period
from crm.profitability import formulas
from crm.profitability.models import (
    SETTINGS_PK,
    ClientBehaviour,
    DirtyClient,
    LineNorm,
    LtvClient,
    LtvEntry,
    SnapshotState,
    WindowClient,
    WindowEntry,
)
from crm.profitability.queries.behaviour import complaints_part, deals_part, instalments_part, nps_part
from crm.profitability.queries.ledger import Key, Windows, economics_columns, entries
from crm.profitability.queries.sql import Sql, fetch, statement

SYNC_LIMIT = 200
"""At most this many dirty clients are recomputed inside a request; more → the on-demand path until a refresh."""
VENDORS = {"postgresql", "sqlite"}
"""Where the reports read the snapshot: both. PostgreSQL's numeric sums are exact, so the snapshot's figures equal
the on-demand ones to the last digit; SQLite sums floats either way, and a sum of per-line sums may differ from
one sum in the 15th digit — far below the kopeck the reports show, while on demand at scale M took 1–5 s a report
there (docs/decisions/0009-profitability-snapshot.md)."""

LINE = Key(F("product__product_line_id"), F("contract__product__product_line_id"))
YEARS = ("y1", "y2", "y3")
LTV_COLUMNS = [f"{column}_{y}" for y in YEARS for column in ("earned", "commission", "cover", "n", "amount")]
WINDOW_COLUMNS = ["earned_w", "commission_w", "cover_w", "n_w", "amount_w"]
BEHAVIOUR_COLUMNS = [
    "deals",
    "requests",
    "requested_sum",
    "decided_requests",
    "granted_sum",
    "rejected",
    "due",
    "late",
    "delay_sum",
    "complaints",
    "responses",
    "promoters",
    "detractors",
]


def _table(model: Any) -> str:
    return str(model._meta.db_table)


NORM = Sql(
    f"SELECT product_line_id AS k_line, CAST(claims AS NUMERIC) * 365.0 / CAST(cover AS NUMERIC) AS freq "
    f"FROM {_table(LineNorm)} WHERE cover > 0"
)
COVER_FREQ = "COALESCE(SUM(e.cover_w * COALESCE(norm.freq, 0)), 0)"
"""The on-demand score's Σ cover days × the line's claim frequency, over a client's rows `e` joined to `norm`."""

_disabled: contextvars.ContextVar[bool] = contextvars.ContextVar("profitability_snapshot_disabled", default=False)


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Within the block every report computes on demand (the reference figures)."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def ltv_windows(today: datetime.date) -> dict[str, Period]:
    return dict(zip(YEARS, formulas.yearly_windows(today), strict=True))


def default_window(today: datetime.date) -> Period:
    """The default window: 36 months ending today (loss ratio's default period; the score's with 36 months)."""
    return formulas.trailing_window(today)


# --- refresh -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshReport:
    today: datetime.date
    full: bool
    clients: int
    """Clients recomputed (full: every client)."""
    rows: int
    seconds: float


def _client_where(client_ids: Sequence[int] | None, prefix: str = "") -> Q:
    return Q() if client_ids is None else Q(**{f"{prefix}client_id__in": list(client_ids)})


def _fill_entries(model: Any, windows: Windows, columns: list[str], ids: Sequence[int] | None, using: str) -> int:
    """INSERT the ledger entries of `windows` summed per client and line (for `ids`, or every client)."""
    where = _client_where(ids)
    parts = entries(None, windows, where, where, {"line": LINE})
    sums = ", ".join(f"SUM({column})" for column in [*columns, "contracts"])
    body = Sql(f"SELECT client, k_line, {sums} FROM entries GROUP BY client, k_line")
    sql = statement(parts, body)
    target = ", ".join(["client_id", "product_line_id", *columns, "contracts"])
    with connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table(model)} ({target}) {sql.text}", sql.params)
        return int(cursor.rowcount or 0)


_BEHAVIOUR = """SELECT c.id,
    dl.deals, dl.requests, dl.requested_sum, dl.decided_requests, dl.granted_sum, dl.rejected,
    ins.due, ins.late, ins.delay_sum, cm.complaints, np.responses, np.promoters, np.detractors
FROM base c
LEFT JOIN dl ON dl.k_client = c.id
LEFT JOIN ins ON ins.k_client = c.id
LEFT JOIN cm ON cm.k_client = c.id
LEFT JOIN np ON np.k_client = c.id
WHERE dl.k_client IS NOT NULL OR ins.k_client IS NOT NULL OR cm.k_client IS NOT NULL OR np.k_client IS NOT NULL"""


def _fill_behaviour(window: Period, today: datetime.date, ids: Sequence[int] | None, using: str) -> int:
    """INSERT each client's behaviour over the window: the same per-client parts the score joins on demand."""
    parts: dict[str, Any] = {
        "base": Client.objects.filter(Q() if ids is None else Q(pk__in=list(ids))).order_by().values("id"),
        "dl": deals_part(None, window).filter(_client_where(ids)),
        "ins": instalments_part(None, window, today).filter(_client_where(ids, "contract__")),
        "cm": complaints_part(None, window).filter(_client_where(ids)),
        "np": nps_part(None, window).filter(_client_where(ids)),
    }
    sql = statement(parts, Sql(_BEHAVIOUR))
    target = ", ".join(["client_id", *BEHAVIOUR_COLUMNS])
    with connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table(ClientBehaviour)} ({target}) {sql.text}", sql.params)
        return int(cursor.rowcount or 0)


def _ids_where(ids: Sequence[int] | None) -> Sql:
    if ids is None:
        return Sql("")
    return Sql(f"WHERE client_id IN ({', '.join(['%s'] * len(ids))})", tuple(ids))


def _fill_clients(ids: Sequence[int] | None, using: str) -> None:
    """Per client (all lines): the LTV figures by the LTV statement's formulas; the window sums."""
    from crm.profitability.queries.ltv import BUSINESS, YEARS, ltv_sql

    where = _ids_where(ids)
    yearly = ", ".join(ltv_sql([y]) for y in YEARS)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(LtvClient)} (client_id, earned, commission, incurred, claims, cover, "
            "ltv_y1, ltv_y2, ltv_y3, ltv, contracts, ranked) "
            f"SELECT client_id, {economics_columns(list(YEARS))}, {yearly}, {ltv_sql(list(YEARS))}, SUM(contracts), "
            f"({BUSINESS}) FROM {_table(LtvEntry)} {where.text} GROUP BY client_id",
            where.params,
        )
        sums = ", ".join(f"SUM({column})" for column in [*WINDOW_COLUMNS, "contracts"])
        cursor.execute(
            f"INSERT INTO {_table(WindowClient)} (client_id, {', '.join(WINDOW_COLUMNS)}, contracts, cover_freq) "
            f"SELECT client_id, {sums}, {COVER_FREQ} FROM {_table(WindowEntry)} e LEFT JOIN ({NORM.text}) AS norm "
            f"ON norm.k_line = e.product_line_id {where.text} GROUP BY client_id",
            where.params,
        )


def _update_cover_freq(using: str) -> None:
    """Every client's Σ cover × frequency again: the norms changed (a dirty client's claims or cover did)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(WindowClient)} SET cover_freq = (SELECT {COVER_FREQ} FROM {_table(WindowEntry)} e "
            f"LEFT JOIN ({NORM.text}) AS norm ON norm.k_line = e.product_line_id "
            f"WHERE e.client_id = {_table(WindowClient)}.client_id)"
        )


def _fill_norms(using: str) -> bool:
    """The company's claims and cover days per line over the default window, from the window entries; changed?"""

    def norms() -> list[tuple[Any, ...]]:
        return sorted(LineNorm.objects.using(using).values_list("product_line_id", "claims", "cover"), key=str)

    before = norms()
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(LineNorm)}")
        cursor.execute(
            f"INSERT INTO {_table(LineNorm)} (product_line_id, claims, cover) "
            f"SELECT product_line_id, SUM(n_w), SUM(cover_w) FROM {_table(WindowEntry)} GROUP BY product_line_id"
        )
    return norms() != before


def _delete_rows(ids: Sequence[int] | None, using: str) -> None:
    with connections[using].cursor() as cursor:
        for model in (LtvEntry, WindowEntry, LtvClient, WindowClient, ClientBehaviour):
            if ids is None:
                cursor.execute(f"DELETE FROM {_table(model)}")
            else:
                for chunk in _chunks(ids):
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM {_table(model)} WHERE client_id IN ({marks})", chunk)


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _take_marks(using: str) -> list[int]:
    """Delete the dirty marks this transaction sees and return their clients (later marks stay for the next run)."""
    with connections[using].cursor() as cursor:
        if connections[using].vendor == "postgresql":
            cursor.execute(f"DELETE FROM {_table(DirtyClient)} RETURNING client_id")
            return sorted({int(row[0]) for row in cursor.fetchall()})
        cursor.execute(f"SELECT DISTINCT client_id FROM {_table(DirtyClient)}")
        ids = sorted(int(row[0]) for row in cursor.fetchall())
        cursor.execute(f"DELETE FROM {_table(DirtyClient)}")
        return ids


def _lock(using: str) -> SnapshotState | None:
    return SnapshotState.objects.using(using).select_for_update().filter(pk=SETTINGS_PK).first()


def _fill(today: datetime.date, ids: Sequence[int] | None, using: str) -> int:
    _delete_rows(ids, using)
    window = default_window(today)
    rows = _fill_entries(LtvEntry, ltv_windows(today), LTV_COLUMNS, ids, using)
    rows += _fill_entries(WindowEntry, {"w": window}, WINDOW_COLUMNS, ids, using)
    rows += _fill_behaviour(window, today, ids, using)
    norms_changed = _fill_norms(using)
    _fill_clients(ids, using)
    if ids is not None and norms_changed:
        _update_cover_freq(using)
    return rows


def refresh(*, full: bool = False, today: datetime.date | None = None, using: str = DEFAULT_DB_ALIAS) -> RefreshReport:
    """Bring the snapshot up to date: every client (`full`, or when the snapshot is missing or for another day)
    or only the dirty ones. One transaction; two refreshes at once wait for each other."""
    started = time.monotonic()
    day = today or timezone.localdate()
    with transaction.atomic(using=using):
        state = _lock(using)
        marked = _take_marks(using)
        if full or state is None or state.today != day:
            rows = _fill(day, None, using)
            clients = Client.objects.using(using).count()
            full = True
        else:
            rows = _fill(day, marked, using) if marked else 0
            clients = len(marked)
        if full or state is None:
            SnapshotState.objects.using(using).update_or_create(
                pk=SETTINGS_PK,
                defaults={
                    "today": day,
                    "ltv_first": ltv_windows(day)["y1"].first,
                    "window_first": default_window(day).first,
                    "refreshed_at": timezone.now(),
                    "clients_count": clients,
                },
            )
    return RefreshReport(day, full, clients, rows, time.monotonic() - started)


# --- read --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The snapshot is fresh for `today`: the reports may read its tables."""

    today: datetime.date


def _state(using: str) -> tuple[datetime.date | None, int]:
    """The snapshot's `today` (None without one) and how many clients are dirty (counted up to SYNC_LIMIT + 1)."""
    rows = fetch(
        Sql(
            f"SELECT s.today, (SELECT COUNT(*) FROM (SELECT DISTINCT client_id FROM {_table(DirtyClient)} "
            f"LIMIT {SYNC_LIMIT + 1}) AS d) AS dirty FROM {_table(SnapshotState)} s WHERE s.id = %s",
            (SETTINGS_PK,),
        ),
        using,
    )
    if not rows:
        return None, 0
    day = rows[0]["today"]
    if isinstance(day, str):  # SQLite
        day = datetime.date.fromisoformat(day)
    return day, int(rows[0]["dirty"])


def ledger_source(today: datetime.date, using: str = DEFAULT_DB_ALIAS) -> Snapshot | None:
    """The snapshot to read for a report on `today`, brought up to date when few clients are dirty; else None."""
    if _disabled.get() or connections[using].vendor not in VENDORS:
        return None
    day, dirty = _state(using)
    if day != today or dirty > SYNC_LIMIT:
        return None
    if dirty:
        refresh(today=today, using=using)
    return Snapshot(today)


def ltv_entries(qs: Any) -> dict[str, Any]:
    """The `entries` CTE of the LTV statement read from the snapshot rows of `qs` (already filtered)."""
    columns = ", ".join([*(f"COALESCE({c}, 0) AS {c}" for c in LTV_COLUMNS), "contracts"])
    return {"snap": qs.values("client_id", *LTV_COLUMNS, "contracts"), "entries": Sql(_entries_sql(columns, ""))}


def window_entries(qs: Any, keys: dict[str, Any]) -> dict[str, Any]:
    """The `entries` CTE of a one-window statement (`w`) read from the snapshot rows of `qs`, with `k_<key>`s."""
    columns = ", ".join([*(f"COALESCE({c}, 0) AS {c}" for c in WINDOW_COLUMNS), "contracts"])
    names = ", ".join(f"k_{name}" for name in keys)
    values = qs.values("client_id", *WINDOW_COLUMNS, "contracts", **{f"k_{name}": key for name, key in keys.items()})
    return {"snap": values, "entries": Sql(_entries_sql(columns, names))}


def _entries_sql(columns: str, names: str) -> str:
    keys = f"{names}, " if names else ""
    return f"SELECT client_id AS client, {keys}{columns} FROM snap"


def ltv_rows() -> Any:
    return LtvEntry.objects.all()


def window_rows() -> Any:
    return WindowEntry.objects.all()


def ltv_clients() -> Any:
    return LtvClient.objects.all()


def window_clients() -> Any:
    return WindowClient.objects.all()


def ltv_client_rows(qs: Any) -> dict[str, Any]:
    """The CTE `lc` of the LTV statement on per-client figures (no product-line filter)."""
    columns = ["earned", "commission", "incurred", "claims", "cover", "ltv_y1", "ltv_y2", "ltv_y3", "ltv"]
    return {"lc": qs.filter(ranked=True).values("client_id", *columns, "contracts")}


BEHAVIOUR = Sql(f"SELECT * FROM {_table(ClientBehaviour)}")


def line_q(product_line_id: int | None) -> Q:
    """The product-line filter on snapshot rows."""
    return Q() if product_line_id is None else Q(product_line_id=product_line_id)
