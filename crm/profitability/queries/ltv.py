# ruff: noqa: S608 — the SQL joins our own CTE and column names and constants; every value is a parameter.
"""Clients ranked by 3-year LTV (docs/metrics.md: LTV), top or bottom N, in one statement plus two small reads.

Ranked are the viewer's clients (narrowed by the filters) with business in the window: a contract covering a
day of it or a claim in it. The product-line filter keeps only that line's contracts and their claims. The
yearly LTVs split the window into three consecutive 12-month windows, so they add up to the LTV.
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
from crm.profitability.queries.ledger import economics_columns, entries
from crm.profitability.queries.refs import client_refs
from crm.profitability.queries.scope import Filters
from crm.profitability.queries.sql import Sql, decimal, fetch, integer, statement
from crm.profitability.results import Economics, LtvRanking, LtvRow, Order

YEARS = ["y1", "y2", "y3"]
DEFAULT_LIMIT = 20
MAX_LIMIT = 500
BUSINESS = "SUM(contracts) + SUM(n_y1 + n_y2 + n_y3) > 0"


def ltv_windows(today: datetime.date) -> dict[str, Period]:
    """The three consecutive 12-month windows of the LTV window, oldest first (together: the 36 months)."""
    return dict(zip(YEARS, formulas.yearly_windows(today), strict=True))


def _ltv(windows: list[str]) -> str:
    return " - ".join(
        f"COALESCE(SUM({' + '.join(f'{column}_{w}' for w in windows)}), 0)"
        for column in ("earned", "commission", "amount")
    )


def _body(order: Order, limit: int) -> Sql:
    yearly = ", ".join(f"{_ltv([y])} AS ltv_{y}" for y in YEARS)
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
        f"""SELECT client, {economics_columns(YEARS)}, {yearly}, {_ltv(YEARS)} AS ltv,
            SUM(contracts) AS contracts, COUNT(*) OVER () AS ranked, {totals}
        FROM entries GROUP BY client HAVING {BUSINESS}
        ORDER BY ltv {direction}, client LIMIT %s""",
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
