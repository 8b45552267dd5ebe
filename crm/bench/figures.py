"""The analytic figures `make bench` checks: the product's function and the same figure in hand-written SQL.

SQL is written once for PostgreSQL and DuckDB with `:name` parameters; tables keep their PostgreSQL names."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from crm.analytics.queries import deal_outcomes_by_manager, load_plans, sales_facts_by, weighted_forecast
from crm.analytics.sales import comparison_windows, plan_to_date
from crm.bench.kinds import Context, Figure, Row
from crm.core.periods import Period
from crm.profitability.models import current_score_settings
from crm.profitability.queries import Filters, loss_ratio_report, ltv_ranking, ltv_windows, toxic_clients
from crm.profitability.queries.scores import MAX_LIMIT
from crm.profitability.queries.toxic import score_window


def _quarter(context: Context) -> dict[str, Any]:
    return {"first": context.period.first, "last": context.period.last}


def _fact_rows(context: Context, dimension: Any) -> list[Row]:
    facts = sales_facts_by(context.head, {"p": context.period}, dimension)["p"]
    return [(key, fact.amount, fact.count) for key, fact in facts.items()]


def _dynamics_rows(context: Context) -> list[Row]:
    windows = comparison_windows(context.period, context.today)
    named = {"current": windows.current, "previous": windows.previous, "last_year": windows.last_year}
    facts = sales_facts_by(context.head, named, "manager")
    managers = set().union(*(facts[name].keys() for name in named))
    zero = (Decimal(0), 0)
    rows = []
    for manager in managers:
        values = [facts[name].get(manager) for name in named]
        rows.append((manager, *(v for fact in values for v in ((fact.amount, fact.count) if fact else zero))))
    return rows


def _dynamics_params(context: Context) -> dict[str, Any]:
    windows = comparison_windows(context.period, context.today)
    return {
        "first": windows.current.first,
        "last": windows.current.last,
        "p_first": windows.previous.first,
        "p_last": windows.previous.last,
        "y_first": windows.last_year.first,
        "y_last": windows.last_year.last,
    }


def _forecast_rows(context: Context) -> list[Row]:
    forecast = weighted_forecast(context.head, context.period, context.today, fact_amount=Decimal(0))
    rows: list[Row] = [(s.stage_id, s.count, s.amount, s.weighted_amount) for s in forecast.by_stage]
    rows.append((-1, forecast.overdue.count, forecast.overdue.amount, None))
    return rows


def _forecast_params(context: Context) -> dict[str, Any]:
    window_first = max(context.today, context.period.first)
    return {"window_first": window_first, "last": context.period.last, "today": context.today}


def _outcome_rows(context: Context) -> list[Row]:
    outcomes = deal_outcomes_by_manager(context.head, {"p": context.period})["p"]
    return [(manager, outcome.won, outcome.lost) for manager, outcome in outcomes.items()]


def _plan_rows(context: Context) -> list[Row]:
    monthly = load_plans([context.period], ["company"]).amounts("company")
    to_date = None if monthly is None else plan_to_date(monthly, context.period, context.today)
    return [(to_date,)]


def _plan_params(context: Context) -> dict[str, Any]:
    month = Period.month(context.today.year, context.today.month)
    return {
        **_quarter(context),
        "month_first": month.first,
        "elapsed_days": min(context.today, context.period.last).day if context.today in context.period else 0,
        "month_days": month.days,
    }


FIGURES: list[Figure] = [
    Figure(
        "Sales fact by manager, quarter",
        lambda c: _fact_rows(c, "manager"),
        "SELECT manager_id, SUM(written_premium_amount), COUNT(*) FROM policies_contract "
        "WHERE status <> 'cancelled' AND concluded_on BETWEEN :first AND :last GROUP BY manager_id",
        _quarter,
        ("policies_contract",),
    ),
    Figure(
        "Sales fact by product line, quarter",
        lambda c: _fact_rows(c, "product_line"),
        "SELECT p.product_line_id, SUM(c.written_premium_amount), COUNT(*) FROM policies_contract c "
        "JOIN catalog_product p ON p.id = c.product_id "
        "WHERE c.status <> 'cancelled' AND c.concluded_on BETWEEN :first AND :last GROUP BY p.product_line_id",
        _quarter,
        ("policies_contract", "catalog_product"),
    ),
    Figure(
        "Sales fact by segment, quarter",
        lambda c: _fact_rows(c, "segment"),
        "SELECT k.segment, SUM(c.written_premium_amount), COUNT(*) FROM policies_contract c "
        "JOIN clients_client k ON k.id = c.client_id "
        "WHERE c.status <> 'cancelled' AND c.concluded_on BETWEEN :first AND :last GROUP BY k.segment",
        _quarter,
        ("policies_contract", "clients_client"),
    ),
    Figure(
        "Period over period by manager (quarter, previous, last year)",
        _dynamics_rows,
        "SELECT manager_id, "
        "COALESCE(SUM(written_premium_amount) FILTER (WHERE concluded_on BETWEEN :first AND :last), 0), "
        "COUNT(*) FILTER (WHERE concluded_on BETWEEN :first AND :last), "
        "COALESCE(SUM(written_premium_amount) FILTER (WHERE concluded_on BETWEEN :p_first AND :p_last), 0), "
        "COUNT(*) FILTER (WHERE concluded_on BETWEEN :p_first AND :p_last), "
        "COALESCE(SUM(written_premium_amount) FILTER (WHERE concluded_on BETWEEN :y_first AND :y_last), 0), "
        "COUNT(*) FILTER (WHERE concluded_on BETWEEN :y_first AND :y_last) "
        "FROM policies_contract WHERE status <> 'cancelled' AND (concluded_on BETWEEN :first AND :last "
        "OR concluded_on BETWEEN :p_first AND :p_last OR concluded_on BETWEEN :y_first AND :y_last) "
        "GROUP BY manager_id",
        _dynamics_params,
        ("policies_contract",),
    ),
    Figure(
        "Company plan to date, quarter",
        _plan_rows,
        "SELECT SUM(CASE WHEN month < :month_first THEN amount "
        "WHEN month = :month_first THEN amount * :elapsed_days / :month_days ELSE 0 END) "
        "FROM planning_salesplan WHERE scope_key = 'company' AND product_line_id IS NULL "
        "AND month BETWEEN :first AND :last",
        _plan_params,
        ("planning_salesplan",),
    ),
    Figure(
        "Weighted forecast by stage, overdue deals",
        _forecast_rows,
        "SELECT d.stage_id, COUNT(*), SUM(d.amount), SUM(d.amount * COALESCE(d.probability, s.default_probability)) "
        "FROM pipeline_deal d JOIN pipeline_stage s ON s.id = d.stage_id "
        "WHERE d.status = 'open' AND d.expected_close_on BETWEEN :window_first AND :last GROUP BY d.stage_id "
        "UNION ALL SELECT -1, COUNT(*), COALESCE(SUM(amount), 0), NULL FROM pipeline_deal "
        "WHERE status = 'open' AND expected_close_on < :today",
        _forecast_params,
        ("pipeline_deal", "pipeline_stage"),
    ),
    Figure(
        "Deals won and lost by manager, quarter",
        _outcome_rows,
        "SELECT manager_id, COUNT(*) FILTER (WHERE status = 'won'), COUNT(*) FILTER (WHERE status = 'lost') "
        "FROM pipeline_deal WHERE status IN ('won', 'lost') AND closed_on BETWEEN :first AND :last "
        "GROUP BY manager_id",
        _quarter,
        ("pipeline_deal",),
    ),
]


def _ltv_window(context: Context) -> dict[str, Any]:
    windows = ltv_windows(context.today)
    return {"a": windows["y1"].first, "b": windows["y3"].last}


def _ltv_rows(context: Context) -> list[Row]:
    ranking = ltv_ranking(context.head, context.today, Filters(), order="top", limit=20)
    return [(row.client.id, row.ltv) for row in ranking.rows]


def _loss_ratio_rows(context: Context) -> list[Row]:
    window = _ltv_window(context)
    report = loss_ratio_report(context.head, Period(window["a"], window["b"]), Filters())
    return [
        (int(row.key), row.economics.earned_premium, row.economics.incurred_claims, row.economics.claims_count)
        for row in report.rows
        if row.key
    ]


# Days of cover inside [:a, :b] over the days of the full term; cover ends at an earlier termination date.
COVER_SHARE = (
    "GREATEST(0, LEAST(CASE WHEN c.terminated_on < c.ends_on THEN c.terminated_on ELSE c.ends_on END, :b) "
    "- GREATEST(c.starts_on, :a) + 1) / (c.ends_on - c.starts_on + 1)"
)

FIGURES += [
    Figure(
        "Top-20 clients by 3-year LTV",
        _ltv_rows,
        "WITH e AS (SELECT c.client_id, SUM((c.written_premium_amount - c.commission_amount) * "  # noqa: S608 - constants
        + COVER_SHARE
        + ") AS net FROM policies_contract c WHERE c.status <> 'cancelled' AND c.starts_on <= :b "
        "GROUP BY c.client_id), "
        "k AS (SELECT client_id, SUM(incurred_amount) AS claims FROM finance_claim WHERE loss_on BETWEEN :a AND :b "
        "GROUP BY client_id) "
        "SELECT COALESCE(e.client_id, k.client_id), COALESCE(e.net, 0) - COALESCE(k.claims, 0) AS ltv "
        "FROM e FULL OUTER JOIN k ON k.client_id = e.client_id ORDER BY ltv DESC LIMIT 20",
        _ltv_window,
        ("policies_contract", "finance_claim"),
    ),
    Figure(
        "Loss ratio by industry, 36 months: earned premium, incurred claims, claims",
        _loss_ratio_rows,
        "WITH e AS (SELECT k.industry_id, SUM(c.written_premium_amount * "  # noqa: S608 - constants only
        + COVER_SHARE
        + ") AS earned FROM policies_contract c JOIN clients_client k ON k.id = c.client_id "
        "WHERE c.status <> 'cancelled' AND c.starts_on <= :b AND k.industry_id IS NOT NULL GROUP BY k.industry_id), "
        "m AS (SELECT k.industry_id, SUM(f.incurred_amount) AS incurred, COUNT(*) AS n FROM finance_claim f "
        "JOIN clients_client k ON k.id = f.client_id WHERE f.loss_on BETWEEN :a AND :b "
        "AND k.industry_id IS NOT NULL GROUP BY k.industry_id) "
        "SELECT COALESCE(e.industry_id, m.industry_id), COALESCE(e.earned, 0), COALESCE(m.incurred, 0), "
        "COALESCE(m.n, 0) FROM e FULL OUTER JOIN m ON m.industry_id = e.industry_id",
        _ltv_window,
        ("policies_contract", "finance_claim", "clients_client"),
    ),
]


# The toxic-client score (docs/metrics.md): (name in the result rows, figure's parameter suffix), in its order.
TOXIC_COMPONENTS = (
    ("loss_ratio", "loss"),
    ("claim_frequency", "freq"),
    ("complaints", "compl"),
    ("discount_share", "share"),
    ("discount_requested", "req"),
    ("late_share", "late"),
    ("delay_days", "delay"),
)


def _toxic_rows(context: Context) -> list[Row]:
    """The listed clients: score and each component's points; then (-1, clients assessed)."""
    toxic = toxic_clients(context.head, context.today, Filters(), limit=MAX_LIMIT)
    rows: list[Row] = []
    for row in toxic.rows:
        points: dict[str, Decimal] = {line.component: line.points for line in row.lines}
        rows.append((row.client.id, row.score, *(points[name] for name, _suffix in TOXIC_COMPONENTS)))
    rows.append((-1, toxic.assessed_count, *(None for _component in TOXIC_COMPONENTS)))
    return rows


def _toxic_params(context: Context) -> dict[str, Any]:
    """The score window (deals by their Moscow creation moment in it), and the head's weights, thresholds, guards."""
    settings = current_score_settings()
    window = score_window(settings, context.today)
    params: dict[str, Any] = {
        "first": window.first,
        "last": window.last,
        "today": context.today,
        "start": timezone.make_aware(datetime.datetime.combine(window.first, datetime.time.min)),
        "end": timezone.make_aware(
            datetime.datetime.combine(window.last + datetime.timedelta(days=1), datetime.time.min)
        ),
        "min_cover": settings.min_exposure_years * 365,
        "min_earned": settings.min_earned_premium_amount,
        "min_deals": settings.min_deals,
        "min_instalments": settings.min_instalments,
        "score_threshold": settings.score_threshold,
        "limit": MAX_LIMIT,
    }
    for name, suffix in TOXIC_COMPONENTS:
        params[f"t_{suffix}"] = Decimal(getattr(settings, f"{name}_threshold"))
        params[f"w_{suffix}"] = int(getattr(settings, f"{name}_weight"))
    return params


# Whether a figure reaches its threshold. The average requested discount (a sum of rates ÷ the requests) is
# tested without dividing: DuckDB divides DECIMALs as DOUBLE, and a rounded quotient misses an average exactly at
# the threshold ((0.15 + 0.20 + 0.25) ÷ 3 < 0.20) that PostgreSQL's numeric reaches (two clients at scale M).
TOXIC_REACHED = {"req": "v_req IS NOT NULL AND requested_sum >= :t_req * requests"}


def _toxic_points(suffix: str) -> str:
    """weight × figure ÷ threshold, at most twice the weight, when the figure reaches the threshold; else 0."""
    value = f"v_{suffix}"
    reached = TOXIC_REACHED.get(suffix, f"{value} >= :t_{suffix}")
    severity = f"CASE WHEN {value} / :t_{suffix} > 2 THEN 2 ELSE {value} / :t_{suffix} END"
    return f"COALESCE(CASE WHEN {reached} THEN :w_{suffix} * ({severity}) END, 0) AS p_{suffix}"


# Contracts not cancelled, with their days of cover inside [:first, :last] (cover ends at an earlier termination)
# and of their full term; claims by loss date, on the claim's client and its contract's line. The claim-frequency
# norm of a line is the company's claims × 365 ÷ cover days in it; a client's expected claims are Σ over its lines
# of cover days × the norm ÷ 365. Deals created in the window (Moscow), instalments due in it (late: paid after the
# due date, or unpaid and due before today; days late up to the payment or today), complaints received in it.
TOXIC_POINTS = ", ".join(_toxic_points(suffix) for _name, suffix in TOXIC_COMPONENTS)
TOXIC_COLUMNS = ", ".join(f"p_{suffix}" for _name, suffix in TOXIC_COMPONENTS)
TOXIC_SCORE = " + ".join(f"p_{suffix}" for _name, suffix in TOXIC_COMPONENTS)
TOXIC_SQL = (
    "WITH ct AS (SELECT c.client_id, p.product_line_id AS line, c.written_premium_amount AS written, "  # noqa: S608
    "GREATEST(0, LEAST(CASE WHEN c.terminated_on < c.ends_on THEN c.terminated_on ELSE c.ends_on END, :last) "
    "- GREATEST(c.starts_on, :first) + 1) AS cover, c.ends_on - c.starts_on + 1 AS term "
    "FROM policies_contract c JOIN catalog_product p ON p.id = c.product_id "
    "WHERE c.status <> 'cancelled' AND c.starts_on <= :last AND c.ends_on >= :first), "
    "cl AS (SELECT f.client_id, p.product_line_id AS line, COUNT(*) AS n, SUM(f.incurred_amount) AS incurred "
    "FROM finance_claim f JOIN policies_contract c ON c.id = f.contract_id "
    "JOIN catalog_product p ON p.id = c.product_id "
    "WHERE f.loss_on BETWEEN :first AND :last GROUP BY f.client_id, p.product_line_id), "
    "by_line AS (SELECT client_id, line, SUM(earned) AS earned, SUM(cover) AS cover, SUM(n) AS n, "
    "SUM(incurred) AS incurred FROM ("
    "SELECT client_id, line, written * (CAST(cover AS NUMERIC) / term) AS earned, cover, 0 AS n, 0 AS incurred "
    "FROM ct UNION ALL SELECT client_id, line, 0, 0, n, incurred FROM cl) AS x GROUP BY client_id, line), "
    "norm AS (SELECT line, SUM(n) * 365.0 / SUM(cover) AS freq FROM by_line GROUP BY line HAVING SUM(cover) > 0), "
    "econ AS (SELECT b.client_id, SUM(b.earned) AS earned, SUM(b.cover) AS cover, SUM(b.n) AS claims, "
    "SUM(b.incurred) AS incurred, SUM(b.cover * COALESCE(norm.freq, 0)) / 365.0 AS expected "
    "FROM by_line b LEFT JOIN norm ON norm.line = b.line GROUP BY b.client_id), "
    "dl AS (SELECT client_id, COUNT(*) AS deals, COUNT(*) FILTER (WHERE requested_discount_rate > 0) AS requests, "
    "SUM(requested_discount_rate) FILTER (WHERE requested_discount_rate > 0) AS requested_sum FROM pipeline_deal "
    "WHERE created_at >= :start AND created_at < :end GROUP BY client_id), "
    "ins AS (SELECT c.client_id, COUNT(*) AS due, "
    "COUNT(*) FILTER (WHERE i.paid_on > i.due_on OR (i.paid_on IS NULL AND i.due_on < :today)) AS late, "
    "SUM(GREATEST(COALESCE(i.paid_on, :today) - i.due_on, 0)) AS delay_sum "
    "FROM finance_instalment i JOIN policies_contract c ON c.id = i.contract_id "
    "WHERE i.due_on BETWEEN :first AND :last GROUP BY c.client_id), "
    "cm AS (SELECT client_id, COUNT(*) AS complaints FROM service_complaint "
    "WHERE received_on BETWEEN :first AND :last GROUP BY client_id), "
    "fig AS (SELECT k.id AS client_id, COALESCE(e.earned, 0) AS earned, COALESCE(e.cover, 0) AS cover, "
    "COALESCE(e.claims, 0) AS claims, COALESCE(e.incurred, 0) AS incurred, COALESCE(e.expected, 0) AS expected, "
    "COALESCE(cm.complaints, 0) AS complaints, COALESCE(dl.deals, 0) AS deals, "
    "COALESCE(dl.requests, 0) AS requests, dl.requested_sum, COALESCE(ins.due, 0) AS due, "
    "COALESCE(ins.late, 0) AS late, COALESCE(ins.delay_sum, 0) AS delay_sum "
    "FROM clients_client k LEFT JOIN econ e ON e.client_id = k.id LEFT JOIN dl ON dl.client_id = k.id "
    "LEFT JOIN ins ON ins.client_id = k.id LEFT JOIN cm ON cm.client_id = k.id), "
    "val AS (SELECT client_id, requested_sum, requests, "
    "CASE WHEN earned > 0 THEN incurred / earned ELSE 0 END AS loss_order, "
    "CASE WHEN cover >= :min_cover AND earned >= :min_earned AND earned > 0 THEN incurred / earned END AS v_loss, "
    "CASE WHEN cover >= :min_cover AND earned >= :min_earned AND earned > 0 "
    "THEN claims * 1.0 / NULLIF(expected, 0) END AS v_freq, "
    "complaints * 1.0 AS v_compl, "
    "CASE WHEN deals >= :min_deals THEN requests * 1.0 / NULLIF(deals, 0) END AS v_share, "
    "CASE WHEN deals >= :min_deals THEN requested_sum / NULLIF(requests, 0) END AS v_req, "
    "CASE WHEN due >= :min_instalments THEN late * 1.0 / NULLIF(due, 0) END AS v_late, "
    "CASE WHEN due >= :min_instalments THEN delay_sum * 1.0 / NULLIF(due, 0) END AS v_delay FROM fig), "
    "pts AS (SELECT client_id, loss_order, " + TOXIC_POINTS + " FROM val), "
    "scored AS (SELECT client_id, loss_order, " + TOXIC_SCORE + " AS score, " + TOXIC_COLUMNS + " FROM pts) "
    "SELECT * FROM (SELECT client_id, score, " + TOXIC_COLUMNS + " FROM scored WHERE score >= :score_threshold "
    "ORDER BY score DESC, loss_order DESC, client_id LIMIT :limit) AS listed "
    "UNION ALL SELECT -1, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM clients_client"
)

FIGURES.append(
    Figure(
        "Toxic clients: score and its components, score window",
        _toxic_rows,
        TOXIC_SQL,
        _toxic_params,
        (
            "policies_contract",
            "catalog_product",
            "finance_claim",
            "pipeline_deal",
            "finance_instalment",
            "service_complaint",
            "clients_client",
        ),
    )
)
