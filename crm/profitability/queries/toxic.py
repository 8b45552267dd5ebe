# ruff: noqa: S608 — the SQL joins our own CTE and column names and constants; every value is a parameter.
"""The explainable toxic-client score, computed for every client in SQL (docs/metrics.md: toxic-client score).

Per client over the score's window (`ToxicScoreSettings.window_months`, ending on the report date): economics
from the contract ledger, the claims expected at the company's claim frequency of each product line
(Σ cover days ÷ 365 × the line's frequency over all the company's contracts, whoever looks — so a client's
flag does not depend on the viewer), complaints, discount pressure, payment delays and NPS.

A component counts when its guard holds (enough exposure and earned premium for losses and claims, enough
deals for discounts, enough instalments for payments) and the client's figure reaches its threshold; it then
adds weight × figure ÷ threshold, at most twice its weight (a figure at twice the threshold or beyond). The
score is the sum; a client is toxic when it reaches the score threshold. Only the listed rows come back.
With the default 36-month window and a fresh snapshot (`crm.profitability.queries.snapshot`), the economics, the
expected claims and the behaviour are read from it; the components and points are computed as on demand.
"""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from crm.clients.models import Client
from crm.core.periods import Period
from crm.org.models import User
from crm.policies.models import Contract
from crm.profitability import formulas
from crm.profitability.expressions import cover_days
from crm.profitability.models import ToxicScoreSettings
from crm.profitability.queries import snapshot
from crm.profitability.queries.behaviour import complaints_part, deals_part, instalments_part, nps_part
from crm.profitability.queries.ledger import Key, economics_columns, entries
from crm.profitability.queries.scope import Filters, viewer_q
from crm.profitability.queries.sql import Sql, statement
from crm.profitability.results import Component

COMPONENTS: tuple[Component, ...] = (
    "loss_ratio",
    "claim_frequency",
    "complaints",
    "discount_share",
    "discount_requested",
    "late_share",
    "delay_days",
)
SEVERITY_CAP = 2
ENOUGH_ECONOMICS = "cover >= CAST(%s AS NUMERIC) AND earned >= CAST(%s AS NUMERIC) AND earned > 0"
VALUES: dict[Component, str] = {
    "loss_ratio": f"CASE WHEN {ENOUGH_ECONOMICS} THEN incurred / NULLIF(earned, 0) END",
    "claim_frequency": f"CASE WHEN {ENOUGH_ECONOMICS} THEN claims * 1.0 / NULLIF(expected, 0) END",
    "complaints": "complaints * 1.0",
    "discount_share": "CASE WHEN deals >= %s THEN requests * 1.0 / NULLIF(deals, 0) END",
    "discount_requested": "CASE WHEN deals >= %s THEN requested_sum / NULLIF(requests, 0) END",
    "late_share": "CASE WHEN due >= %s THEN late * 1.0 / NULLIF(due, 0) END",
    "delay_days": "CASE WHEN due >= %s THEN delay_sum * 1.0 / NULLIF(due, 0) END",
}


def score_window(settings: ToxicScoreSettings, today: datetime.date) -> Period:
    """The months the score looks at, ending on the report date."""
    return formulas.trailing_window(today, settings.window_months)


def _guard_params(component: Component, settings: ToxicScoreSettings) -> tuple[Any, ...]:
    """The guard's parameters: enough exposure and earned premium, enough deals or enough instalments."""
    if component in ("loss_ratio", "claim_frequency"):
        return (settings.min_exposure_years * formulas.DAYS_IN_YEAR, settings.min_earned_premium_amount)
    if component in ("discount_share", "discount_requested"):
        return (settings.min_deals,)
    if component in ("late_share", "delay_days"):
        return (settings.min_instalments,)
    return ()


def threshold(component: Component, settings: ToxicScoreSettings) -> Decimal:
    return Decimal(getattr(settings, f"{component}_threshold"))


def weight(component: Component, settings: ToxicScoreSettings) -> int:
    return int(getattr(settings, f"{component}_weight"))


def _values(settings: ToxicScoreSettings) -> Sql:
    """Each component's figure, NULL when its guard does not hold (too little exposure, deals or instalments)."""
    columns = [f"{VALUES[component]} AS v_{component}" for component in COMPONENTS]
    params = [param for component in COMPONENTS for param in _guard_params(component, settings)]
    return Sql(f"SELECT figures.*, {', '.join(columns)} FROM figures", tuple(params))


def _points(settings: ToxicScoreSettings) -> Sql:
    """weight × figure ÷ threshold (at most ×2) when the figure reaches the threshold, else 0; and the total."""
    columns, params = [], []
    for component in COMPONENTS:
        value, limit = f"v_{component}", "NULLIF(CAST(%s AS NUMERIC), 0)"
        severity = f"CASE WHEN {value} / {limit} > {SEVERITY_CAP} THEN {SEVERITY_CAP} ELSE {value} / {limit} END"
        columns.append(f"COALESCE(CASE WHEN {value} >= {limit} THEN %s * {severity} END, 0) AS p_{component}")
        level = threshold(component, settings)
        params.extend([level, weight(component, settings), level, level])
    return Sql(f"SELECT vals.*, {', '.join(columns)} FROM vals", tuple(params))


@dataclass(frozen=True)
class ScoreQuery:
    """Whose score, over which window and with which settings; `only_toxic` keeps the clients at the threshold."""

    viewer: User | None
    window: Period
    today: datetime.date
    settings: ToxicScoreSettings
    filters: Filters
    only_toxic: bool
    limit: int


def _base(query: ScoreQuery, *, from_snapshot: bool = False) -> QuerySet[Any]:
    """The clients scored: the viewer's, narrowed by the client filters and, for a line, those holding it."""
    clients = Client.objects.filter(viewer_q(query.viewer), query.filters.client_q())
    if query.filters.product_line_id is not None and from_snapshot:
        rows = snapshot.window_rows().filter(client=OuterRef("pk"), cover_w__gt=0)
        clients = clients.filter(Exists(rows.filter(snapshot.line_q(query.filters.product_line_id))))
    elif query.filters.product_line_id is not None:
        held = Contract.objects.filter(client=OuterRef("pk"), product__product_line_id=query.filters.product_line_id)
        clients = clients.filter(Exists(held.annotate(days=cover_days(query.window)).filter(days__gt=0)))
    return clients.order_by().values(k_id=F("id"))


LINE = {"line": Key(F("product__product_line_id"), F("contract__product__product_line_id"))}


def _parts(query: ScoreQuery) -> dict[str, Any]:
    """The CTEs: the clients' entries by line, the company's when they differ (for the norm), behaviour, scores."""
    windows = {"w": query.window}
    clients = replace(query.filters, product_line_id=None)
    from_snapshot = query.window == snapshot.default_window(query.today) and (
        snapshot.ledger_source(query.today) is not None
    )
    if from_snapshot:
        scope = (viewer_q(query.viewer, "client__"), clients.client_q("client__"))
        columns = (*snapshot.WINDOW_COLUMNS, "cover_freq")
        parts = {
            "snap_c": snapshot.window_clients().filter(*scope).values("client_id", *columns),
            "econ_client": Sql(_SNAPSHOT_ECONOMICS),
        }
    else:
        parts = entries(query.viewer, windows, clients.contract_q(), clients.claim_q(), LINE)
        norm_source = "entries"
        if viewer_q(query.viewer) or clients.client_q():
            parts.update(entries(None, windows, Q(), Q(), LINE, suffix="_n"))
            norm_source = "entries_n"
        parts["norm"] = Sql(
            f"SELECT k_line, SUM(n_w) * 365.0 / SUM(cover_w) AS freq FROM {norm_source} "
            "GROUP BY k_line HAVING SUM(cover_w) > 0"
        )
        parts["econ_client"] = Sql(
            f"SELECT e.client, {economics_columns(['w'])}, "
            "COALESCE(SUM(e.cover_w * COALESCE(norm.freq, 0)), 0) / 365.0 AS expected "
            "FROM entries e LEFT JOIN norm ON norm.k_line = e.k_line GROUP BY e.client"
        )
    parts["base"] = _base(query, from_snapshot=from_snapshot)
    if from_snapshot:
        parts["beh"] = snapshot.BEHAVIOUR
        parts["figures"] = Sql(_SNAPSHOT_FIGURES)
    else:
        parts["dl"] = deals_part(query.viewer, query.window)
        parts["ins"] = instalments_part(query.viewer, query.window, query.today)
        parts["cm"] = complaints_part(query.viewer, query.window)
        parts["np"] = nps_part(query.viewer, query.window)
        parts["figures"] = Sql(_FIGURES)
    parts["vals"] = _values(query.settings)
    parts["scored"] = _points(query.settings)
    return parts


_FIGURES = """SELECT b.k_id AS client_id,
    COALESCE(e.earned, 0) AS earned, COALESCE(e.commission, 0) AS commission, COALESCE(e.incurred, 0) AS incurred,
    COALESCE(e.claims, 0) AS claims, COALESCE(e.cover, 0) AS cover, COALESCE(e.expected, 0) AS expected,
    COALESCE(cm.complaints, 0) AS complaints,
    COALESCE(dl.deals, 0) AS deals, COALESCE(dl.requests, 0) AS requests, dl.requested_sum AS requested_sum,
    COALESCE(dl.decided_requests, 0) AS decided_requests, dl.granted_sum AS granted_sum,
    COALESCE(dl.rejected, 0) AS rejected,
    COALESCE(ins.due, 0) AS due, COALESCE(ins.late, 0) AS late, COALESCE(ins.delay_sum, 0) AS delay_sum,
    COALESCE(np.responses, 0) AS responses, COALESCE(np.promoters, 0) AS promoters,
    COALESCE(np.detractors, 0) AS detractors
FROM base b
LEFT JOIN econ_client e ON e.client = b.k_id
LEFT JOIN dl ON dl.k_client = b.k_id
LEFT JOIN ins ON ins.k_client = b.k_id
LEFT JOIN cm ON cm.k_client = b.k_id
LEFT JOIN np ON np.k_client = b.k_id"""


# The snapshot's variants: the economics per client (one row each, with Σ cover × frequency over its lines), and
# the behaviour from one table (its NULLs are the on-demand LEFT JOINs' NULLs, so the COALESCEs give the same).
_SNAPSHOT_ECONOMICS = """SELECT c.client_id AS client, COALESCE(c.earned_w, 0) AS earned,
    COALESCE(c.commission_w, 0) AS commission, COALESCE(c.amount_w, 0) AS incurred, COALESCE(c.n_w, 0) AS claims,
    COALESCE(c.cover_w, 0) AS cover, COALESCE(c.cover_freq, 0) / 365.0 AS expected FROM snap_c c"""
_SNAPSHOT_FIGURES = (
    _FIGURES.split("FROM base b")[0]
    .replace("dl.", "beh.")
    .replace("ins.", "beh.")
    .replace("cm.", "beh.")
    .replace("np.", "beh.")
    + "FROM base b LEFT JOIN econ_client e ON e.client = b.k_id LEFT JOIN beh ON beh.client_id = b.k_id"
)


def score_statement(query: ScoreQuery) -> Sql:
    """The scored rows (toxic only, or all), highest score first, at most `limit`; and how many were scored.

    The scored clients are counted in a one-row summary LEFT JOINed to the rows, so the count comes back even
    when no client is listed (then the only row has no client). They are counted from `base` (one row per client,
    as `scored`, whose joins are all per client): `scored` is then read once, so the database computes the points
    row by row under the WHERE instead of first storing them for every client.
    """
    total = " + ".join(f"p_{component}" for component in COMPONENTS)
    where = "WHERE score >= %s" if query.only_toxic else ""
    params: tuple[Any, ...] = (query.settings.score_threshold,) if query.only_toxic else ()
    order = "score DESC, loss_order DESC, client_id"
    rows = f"""SELECT *, COUNT(*) OVER () AS listed FROM (
            SELECT scored.*, {total} AS score, CASE WHEN earned > 0 THEN incurred / earned ELSE 0 END AS loss_order
            FROM scored) AS totals
        {where} ORDER BY {order} LIMIT %s"""
    body = Sql(
        f"""SELECT listed_rows.*, summary.assessed FROM (SELECT COUNT(*) AS assessed FROM base) AS summary
        LEFT JOIN ({rows}) AS listed_rows ON 1 = 1 ORDER BY {order}""",
        (*params, query.limit),
    )
    return statement(_parts(query), body)
