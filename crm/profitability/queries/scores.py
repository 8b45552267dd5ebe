"""Toxic clients and one client's profile, from the score statement (`crm.profitability.queries.toxic`)."""

import datetime
from decimal import Decimal
from typing import Any

from crm.clients.models import Client
from crm.org.models import User
from crm.profitability import explain
from crm.profitability.models import ToxicScoreSettings, current_score_settings
from crm.profitability.queries.ltv import ltv_ranking
from crm.profitability.queries.refs import client_refs
from crm.profitability.queries.scope import Filters
from crm.profitability.queries.sql import decimal, fetch, integer
from crm.profitability.queries.toxic import COMPONENTS, ScoreQuery, score_statement, score_window
from crm.profitability.results import (
    Behaviour,
    ClientProfitability,
    ClientRef,
    ClientScore,
    DiscountPressure,
    Economics,
    Nps,
    PaymentDelay,
    ToxicList,
)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _behaviour(row: dict[str, Any]) -> Behaviour:
    requests, decided, due = integer(row["requests"]), integer(row["decided_requests"]), integer(row["due"])
    return Behaviour(
        complaints_count=integer(row["complaints"]),
        nps=Nps(integer(row["responses"]), integer(row["promoters"]), integer(row["detractors"])),
        discounts=DiscountPressure(
            deals_count=integer(row["deals"]),
            requests_count=requests,
            average_requested=decimal(row["requested_sum"]) / requests if requests else None,
            average_granted=decimal(row["granted_sum"]) / decided if decided else None,
            rejected_count=integer(row["rejected"]),
        ),
        payments=PaymentDelay(
            instalments_due=due,
            instalments_late=integer(row["late"]),
            average_days_late=decimal(row["delay_sum"]) / due if due else None,
        ),
    )


def _score(row: dict[str, Any], ref: ClientRef, query: ScoreQuery) -> ClientScore:
    economics = Economics(
        earned_premium=decimal(row["earned"]),
        earned_commission=decimal(row["commission"]),
        incurred_claims=decimal(row["incurred"]),
        claims_count=integer(row["claims"]),
        cover_days=integer(row["cover"]),
    )
    expected = decimal(row["expected"]) or None
    behaviour = _behaviour(row)
    points = {component: decimal(row[f"p_{component}"]) for component in COMPONENTS}
    score = decimal(row["score"])
    return ClientScore(
        client=ref,
        window=query.window,
        economics=economics,
        expected_claims=expected,
        behaviour=behaviour,
        lines=explain.score_lines(economics, expected, behaviour, query.settings, points),
        score=score,
        is_toxic=score >= query.settings.score_threshold,
    )


def _scores(query: ScoreQuery) -> tuple[list[ClientScore], dict[str, int]]:
    fetched = fetch(score_statement(query), Client.objects.db)
    counts = {"listed": integer(fetched[0]["listed"]), "assessed": integer(fetched[0]["assessed"])}
    rows = [row for row in fetched if row["client_id"] is not None]
    refs = client_refs(row["client_id"] for row in rows)
    return [_score(row, refs[row["client_id"]], query) for row in rows], counts


def toxic_clients(
    viewer: User,
    today: datetime.date,
    filters: Filters | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    settings: ToxicScoreSettings | None = None,
) -> ToxicList:
    """The viewer's clients whose score reaches the threshold, highest score first (3 queries)."""
    settings = settings or current_score_settings()
    window = score_window(settings, today)
    limit = max(1, min(limit, MAX_LIMIT))
    query = ScoreQuery(viewer, window, today, settings, filters or Filters(), only_toxic=True, limit=limit)
    rows, counts = _scores(query)
    return ToxicList(
        window=window,
        rows=rows,
        toxic_count=counts["listed"],
        assessed_count=counts["assessed"],
        limit=limit,
        score_threshold=settings.score_threshold,
    )


def client_score(client: Client, *, today: datetime.date, settings: ToxicScoreSettings | None = None) -> ClientScore:
    """One client's score with every component (whoever looks: the caller has checked access)."""
    settings = settings or current_score_settings()
    window = score_window(settings, today)
    query = ScoreQuery(None, window, today, settings, Filters(client_id=client.pk), only_toxic=False, limit=1)
    rows, _counts = _scores(query)
    return rows[0]


def client_profile(client: Client, *, today: datetime.date) -> ClientProfitability:
    """LTV and its components, loss ratio, claim frequency, toxic flag with reasons and behaviour of one client.

    For the client card and for approval decisions (scenario 3); about 7 queries, whatever the data size.
    """
    ranking = ltv_ranking(None, today, Filters(client_id=client.pk), limit=1)
    ltv_row = ranking.rows[0] if ranking.rows else None
    economics = ltv_row.economics if ltv_row else Economics()
    settings = current_score_settings()
    score = client_score(client, today=today, settings=settings)
    behaviour = score.behaviour
    return ClientProfitability(
        client_id=client.pk,
        today=today,
        ltv_window=ranking.window,
        ltv=economics.ltv,
        earned_premium=economics.earned_premium,
        earned_commission=economics.earned_commission,
        incurred_claims=economics.incurred_claims,
        yearly_ltv=ltv_row.yearly_ltv if ltv_row else (Decimal(0),) * len(ranking.years),
        score_window=score.window,
        loss_ratio=score.economics.loss_ratio,
        claim_frequency=score.economics.claim_frequency,
        claim_frequency_ratio=score.claim_frequency_ratio,
        is_toxic=score.is_toxic,
        score=score.score,
        score_threshold=settings.score_threshold,
        reasons=tuple(score.reasons),
        score_lines=score.lines,
        payment_delay=behaviour.payments,
        discount_pressure=behaviour.discounts,
        complaints_count=behaviour.complaints_count,
        nps=behaviour.nps.score,
        nps_responses=behaviour.nps.responses,
    )
