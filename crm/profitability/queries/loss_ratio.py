# ruff: noqa: S608 — the SQL joins our own CTE and column names and constants; every value is a parameter.
"""Loss ratio by industry → segment → product line → clients (docs/metrics.md: loss ratio, claim frequency).

One statement gives the rows of the level, the viewer's whole portfolio (the company-wide figure to compare
with, over everything the viewer may see, whatever the filters) and the clients of the selection with claims
but no earned premium (their loss ratio is undefined, so they are listed apart); then one query names them.
The level is the first of industry, segment, product line not fixed by the filters; with all three fixed,
the rows are clients, worst loss ratio first. Over the default period (36 months ending today) the entries come
from the snapshot when it is fresh (`crm.profitability.queries.snapshot`): the same numbers.
"""

from typing import Any

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from crm.catalog.models import ProductLine
from crm.clients.models import Client, Industry, Segment
from crm.core.periods import Period
from crm.org.models import User
from crm.profitability.queries import snapshot
from crm.profitability.queries.ledger import Key, economics_columns, entries
from crm.profitability.queries.ltv import economics_of
from crm.profitability.queries.refs import client_refs
from crm.profitability.queries.scope import NO_FILTERS, Filters, viewer_q
from crm.profitability.queries.sql import Sql, fetch, integer, statement
from crm.profitability.results import ClaimsWithoutPremium, Level, LossRatioReport, LossRatioRow

CLIENTS_SHOWN = 100
GROUPS: dict[Level, tuple[str, str]] = {
    "industry": ("client__industry_id", "client__industry_id"),
    "segment": ("client__segment", "client__segment"),
    "product_line": ("product__product_line_id", "contract__product__product_line_id"),
    "client": ("client_id", "client_id"),
}
SELECTED = "k_sel = 1"
BUSINESS = "(contracts > 0 OR n_w > 0)"
W = ["w"]
APART_HAVING = " HAVING SUM(earned_w) = 0 AND SUM(n_w) > 0"


def level_for(filters: Filters) -> Level:
    """The first drill dimension the filters leave open: industry, then segment, then product line, then clients."""
    if filters.industry_id is None:
        return "industry"
    if filters.segment is None:
        return "segment"
    if filters.product_line_id is None:
        return "product_line"
    return "client"


def _clients(condition: str, unique: bool) -> str:
    """How many clients meet the condition: COUNT(DISTINCT …), or a plain count when each entry is one client."""
    return (
        f"COUNT(CASE WHEN {condition} THEN 1 END)"
        if unique
        else f"COUNT(DISTINCT CASE WHEN {condition} THEN client END)"
    )


def _groups(level: Level, unique: bool) -> Sql:
    business = f"{SELECTED} AND {BUSINESS}"
    rows = f"""SELECT 'group' AS kind, k_grp AS g, {economics_columns(W, SELECTED)},
            {_clients(business, unique)} AS clients, COUNT(*) OVER () AS groups
        FROM entries GROUP BY k_grp HAVING SUM(CASE WHEN {business} THEN 1 ELSE 0 END) > 0"""
    if level != "client":
        return Sql(rows)
    earned = f"SUM(CASE WHEN {SELECTED} THEN earned_w ELSE 0 END)"
    incurred = f"SUM(CASE WHEN {SELECTED} THEN amount_w ELSE 0 END)"
    ranked = f"{rows} AND {earned} > 0 ORDER BY {incurred} / {earned} DESC, k_grp LIMIT %s"
    return Sql(f"SELECT * FROM ({ranked}) AS ranked", (CLIENTS_SHOWN,))


def _body(level: Level, *, unique: bool = False) -> Sql:
    """The statement's body over `entries`; `unique` when each entry is a whole client (the snapshot's per-client
    rows): then the clients are counted without DISTINCT and the clients apart filtered before they are grouped —
    the same figures, without sorting or hashing every client (at scale L 160 000 rows, which spilled to disk)."""
    groups = _groups(level, unique)
    company = f"SELECT 'company', NULL, {economics_columns(W)}, {_clients(BUSINESS, unique)}, 1 FROM entries"
    selected_clients = _clients(f"{SELECTED} AND {BUSINESS}", unique)
    selection = f"SELECT 'selection', NULL, {economics_columns(W, SELECTED)}, {selected_clients}, 1 FROM entries"
    # Clients of the selection with claims but no earned premium: per entry when each is a client, else summed.
    where, having = (f"{SELECTED} AND earned_w = 0 AND n_w > 0", "") if unique else (SELECTED, APART_HAVING)
    apart = f"""SELECT 'apart', CAST(client AS VARCHAR(20)), {economics_columns(W)}, 1, 1
        FROM entries WHERE {where} GROUP BY client{having}"""
    return Sql(f"{groups.text} UNION ALL {company} UNION ALL {selection} UNION ALL {apart}", groups.params)


def _keys(level: Level, filters: Filters) -> dict[str, Key]:
    """The group of an entry (as text, so that all levels fit one column) and whether it is selected."""
    contract_group, claim_group = GROUPS[level]

    def selected(condition: Q) -> Any:
        if not condition:
            return Value(1, output_field=IntegerField())
        return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())

    return {
        "grp": Key(Cast(F(contract_group), CharField()), Cast(F(claim_group), CharField())),
        "sel": Key(selected(filters.contract_q()), selected(filters.claim_q())),
    }


SNAPSHOT_GROUPS: dict[Level, str] = {
    "industry": "client__industry_id",
    "segment": "client__segment",
    "product_line": "product_line_id",
    "client": "client_id",
}


def _snapshot_keys(level: Level, filters: Filters) -> dict[str, Any]:
    """The same keys as `_keys`, as expressions on the snapshot's rows (client and product line)."""
    condition = filters.client_q("client__") & snapshot.line_q(filters.product_line_id)
    selected: Any = (
        Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        if condition
        else Value(1, output_field=IntegerField())
    )
    return {"grp": Cast(F(SNAPSHOT_GROUPS[level]), CharField()), "sel": selected}


def _names(level: Level, keys: list[str]) -> dict[str, str]:
    """The display name of each group key of the level (one query; segments need none)."""
    if level == "segment":
        labels = {code: str(label) for code, label in Segment.choices}
        return {key: labels.get(key, _("Без сегмента")) for key in keys}
    if level == "industry":
        names = dict(Industry.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
        return {key: names.get(int(key), "") if key else _("Без отрасли") for key in keys}
    if level == "product_line":
        names = dict(ProductLine.objects.filter(pk__in=keys).values_list("pk", "name"))
        return {key: names.get(int(key), "") for key in keys}
    return {}


def _order(level: Level, rows: list[LossRatioRow]) -> list[LossRatioRow]:
    if level == "segment":
        order = {code: index for index, (code, _label) in enumerate(Segment.choices)}
        return sorted(rows, key=lambda row: order.get(row.key, len(order)))
    if level == "client":
        return rows
    return sorted(rows, key=lambda row: row.name)


def loss_ratio_report(viewer: User, window: Period, filters: Filters | None = None) -> LossRatioReport:
    """The level's rows, the company-wide figure and the clients apart, over the window (3 queries)."""
    filters = filters or NO_FILTERS
    level = level_for(filters)
    default = window == snapshot.default_window(window.last)
    per_client = False
    if default and snapshot.ledger_source(window.last) is not None:
        # Without a product line in the rows or the filters, one row per client is enough.
        per_client = level != "product_line" and filters.product_line_id is None
        rows_of = (snapshot.window_clients() if per_client else snapshot.window_rows()).filter(
            viewer_q(viewer, "client__")
        )
        parts = snapshot.window_entries(rows_of, _snapshot_keys(level, filters))
    else:
        parts = entries(viewer, {"w": window}, Q(), Q(), _keys(level, filters))
    fetched = fetch(statement(parts, _body(level, unique=per_client)), Client.objects.db)
    groups = [row for row in fetched if row["kind"] == "group"]
    apart = [row for row in fetched if row["kind"] == "apart"]
    totals = {row["kind"]: row for row in fetched if row["kind"] in ("company", "selection")}
    refs = client_refs([int(row["g"]) for row in (groups if level == "client" else []) + apart])
    names = _names(level, [row["g"] for row in groups])
    rows = [
        LossRatioRow(
            key=row["g"] or "",
            name=refs[int(row["g"])].name if level == "client" else names.get(row["g"], ""),
            economics=economics_of(row),
            clients_count=integer(row["clients"]),
        )
        for row in groups
    ]
    return LossRatioReport(
        window=window,
        level=level,
        rows=_order(level, rows),
        total=economics_of(totals["selection"]),
        company=economics_of(totals["company"]),
        without_premium=[_apart(row, refs) for row in apart],
        clients_count=integer(totals["selection"]["clients"]),
        groups_count=integer(groups[0]["groups"]) if groups else 0,
        shown_limit=CLIENTS_SHOWN,
    )


def _apart(row: dict[str, Any], refs: dict[int, Any]) -> ClaimsWithoutPremium:
    economics = economics_of(row)
    return ClaimsWithoutPremium(refs[int(row["g"])], economics.incurred_claims, economics.claims_count)
