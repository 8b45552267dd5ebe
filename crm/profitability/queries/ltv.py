# ruff: noqa: S608 — the SQL joins our own CTE and column names and constants; every value is a parameter.
"""Clients ranked by 3-year LTV (docs/metrics.md: LTV), top or bottom N, in one statement plus two small reads.

Ranked are the viewer's clients (narrowed by the filters) with business in the window: a contract covering a
day of it or a claim in it. The product-line filter keeps only that line's contracts and their claims. The
yearly LTVs split the window into three consecutive 12-month windows, so they add up to the LTV.
When the snapshot is fresh for `today` (`crm.profitability.queries.snapshot`) the statement reads its per-client
figures (or, with a product line, its per-line entries) instead of the contracts and claims: the same numbers.
"""

import datetime
from collections import defaultdict
from typing import Any

from crm.clients.models import Client
from crm.core.periods import Period
from crm.org.models import User
from crm.policies.models import Contract
from crm.profitability import formulas
from crm.profitability.expressions import cover_days
from crm.profitability.queries import snapshot
from crm.profitability.queries.ledger import economics_columns, entries
from crm.profitability.queries.refs import client_refs
from crm.profitability.queries.scope import Filters, viewer_q
from crm.profitability.queries.sql import Sql, decimal, fetch, integer, statement
from crm.profitability.results import Economics, LtvRanking, LtvRow, Order

YEARS = ["y1", "y2", "y3"]
DEFAULT_LIMIT = 20
MAX_LIMIT = 500
BUSINESS = "SUM(contracts) + SUM(n_y1 + n_y2 + n_y3) > 0"


def ltv_windows(today: datetime.date) -> dict[str, Period]:
    """The three consecutive 12-month windows of the LTV window, oldest first (together: the 36 months)."""
    return dict(zip(YEARS, formulas.yearly_windows(today), strict=True))


def ltv_sql(windows: list[str]) -> str:
    return " - ".join(
        f"COALESCE(SUM({' + '.join(f'{column}_{w}' for w in windows)}), 0)"
        for column in ("earned", "commission", "amount")
    )


def _body(order: Order, limit: int) -> Sql:
    yearly = ", ".join(f"{ltv_sql([y])} AS ltv_{y}" for y in YEARS)
    direction = "DESC" if order == "top" else "ASC"
    totals = ", ".join(
        f"SUM(SUM({' + '.join(f'{column}_{y}' for y in YEARS)})) OVER () AS total_{name}"
        for column, name in (
            ("earned", "earned"),
            ("commission", "commission"),
            ("amount", "incurred"),
            ("n", "claims"),
            ("cover", "cover"),
        )
    )
    return Sql(
        f"""SELECT client, {economics_columns(YEARS)}, {yearly}, {ltv_sql(YEARS)} AS ltv,
            SUM(contracts) AS contracts, COUNT(*) OVER () AS ranked, {totals}
        FROM entries GROUP BY client HAVING {BUSINESS}
        ORDER BY ltv {direction}, client LIMIT %s""",
        (limit,),
    )


def _client_body(order: Order, limit: int) -> Sql:
    """`_body` on the snapshot's per-client figures (the same formulas, summed once per client at refresh)."""
    direction = "DESC" if order == "top" else "ASC"
    totals = ", ".join(
        f"SUM({column}) OVER () AS total_{column}" for column in ("earned", "commission", "incurred", "claims", "cover")
    )
    return Sql(
        f"""SELECT client_id AS client, earned, commission, incurred, claims, cover, ltv_y1, ltv_y2, ltv_y3, ltv,
            contracts, COUNT(*) OVER () AS ranked, {totals}
        FROM lc ORDER BY ltv {direction}, client_id LIMIT %s""",
        (limit,),
    )


def economics_of(row: dict[str, Any], prefix: str = "") -> Economics:
    """The economics in a row of `economics_columns` (with the columns' alias prefix)."""
    return Economics(
        earned_premium=decimal(row[f"{prefix}earned"]),
        earned_commission=decimal(row[f"{prefix}commission"]),
        incurred_claims=decimal(row[f"{prefix}incurred"]),
        claims_count=integer(row[f"{prefix}claims"]),
        cover_days=integer(row[f"{prefix}cover"]),
    )


def _lines_held(client_ids: list[int], window: Period, filters: Filters) -> dict[int, tuple[str, ...]]:
    """The product lines of each client's contracts with cover in the window (one query)."""
    held: dict[int, list[str]] = defaultdict(list)
    contracts = Contract.objects.filter(filters.line_q(), client_id__in=client_ids)
    pairs = (
        contracts.annotate(days=cover_days(window))
        .filter(days__gt=0)
        .values_list("client_id", "product__product_line__name", "product__product_line__position")
        .distinct()
        .order_by("client_id", "product__product_line__position", "product__product_line__name")
    )
    for client_id, name, _position in pairs:
        held[client_id].append(name)
    return {client_id: tuple(names) for client_id, names in held.items()}


def ltv_ranking(
    viewer: User | None,
    today: datetime.date,
    filters: Filters | None = None,
    *,
    order: Order = "top",
    limit: int = DEFAULT_LIMIT,
) -> LtvRanking:
    """Top (or bottom) `limit` clients by LTV over the 36 months ending `today`, with the scope's total (3 queries)."""
    filters = filters or Filters()
    windows = ltv_windows(today)
    limit = max(1, min(limit, MAX_LIMIT))
    window = formulas.trailing_window(today)
    source = snapshot.ledger_source(today)
    scope = (viewer_q(viewer, "client__"), filters.client_q("client__"))
    if source is not None and filters.product_line_id is None:
        rows = fetch(
            statement(snapshot.ltv_client_rows(snapshot.ltv_clients().filter(*scope)), _client_body(order, limit)),
            Client.objects.db,
        )
    else:
        if source is not None:
            rows_of = snapshot.ltv_rows().filter(*scope, snapshot.line_q(filters.product_line_id))
            parts = snapshot.ltv_entries(rows_of)
        else:
            parts = entries(viewer, windows, filters.contract_q(), filters.claim_q())
        rows = fetch(statement(parts, _body(order, limit)), Client.objects.db)
    ids = [row["client"] for row in rows]
    refs = client_refs(ids)
    lines = _lines_held(ids, window, filters)
    ranked = [
        LtvRow(
            rank=index,
            client=refs[row["client"]],
            economics=economics_of(row),
            contracts_count=integer(row["contracts"]),
            product_lines=lines.get(row["client"], ()),
            yearly_ltv=tuple(decimal(row[f"ltv_{y}"]) for y in YEARS),
        )
        for index, row in enumerate(rows, start=1)
    ]
    total = economics_of(rows[0], "total_") if rows else Economics()
    return LtvRanking(
        window=window,
        years=tuple(windows[y] for y in YEARS),
        order=order,
        limit=limit,
        rows=ranked,
        clients_count=integer(rows[0]["ranked"]) if rows else 0,
        total=total,
    )
