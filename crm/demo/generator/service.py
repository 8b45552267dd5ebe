"""What the service desk feeds in: complaints (many for toxic clients and one manager) and NPS answers."""

import datetime
import random

from crm.demo.generator import stories
from crm.demo.generator.clients import ClientProfile
from crm.demo.generator.context import Context
from crm.demo.generator.dates import DAY, uniform_date
from crm.demo.generator.randomness import poisson, weighted
from crm.demo.generator.sales import Sale
from crm.demo.generator.sink import Sink
from crm.service.models import Complaint, ComplaintCategory, ComplaintStatus, NpsResponse

CATEGORY_WEIGHTS = {
    "": {
        ComplaintCategory.CLAIM_SETTLEMENT: 35,
        ComplaintCategory.SERVICE_QUALITY: 25,
        ComplaintCategory.MANAGER_CONDUCT: 10,
        ComplaintCategory.DOCUMENTS: 15,
        ComplaintCategory.BILLING: 15,
    },
    "losses": {ComplaintCategory.CLAIM_SETTLEMENT: 75, ComplaintCategory.SERVICE_QUALITY: 25},
    "manager": {
        ComplaintCategory.MANAGER_CONDUCT: 50,
        ComplaintCategory.DOCUMENTS: 30,
        ComplaintCategory.SERVICE_QUALITY: 20,
    },
}
TEXTS: dict[str, str] = {
    ComplaintCategory.CLAIM_SETTLEMENT: "Затянуто урегулирование убытка, выплата занижена",
    ComplaintCategory.SERVICE_QUALITY: "Долго не отвечают на обращения",
    ComplaintCategory.MANAGER_CONDUCT: "Менеджер не перезвонил, обещания не выполнены",
    ComplaintCategory.DOCUMENTS: "Ошибки в полисе, документы пришлось переоформлять",
    ComplaintCategory.BILLING: "Выставлен счёт с неверной суммой",
}
NPS_SCORES: dict[int, float] = {10: 18, 9: 22, 8: 20, 7: 15, 6: 8, 5: 6, 4: 4, 3: 3, 2: 2, 1: 1, 0: 1}
NPS_COMMENTS = {"promoter": "Быстро урегулировали убыток", "detractor": "Сложно дозвониться, долго с документами"}


def write_service(ctx: Context, profile: ClientProfile, sales: list[Sale], sink: Sink) -> None:
    """Complaints and NPS answers of a client that has bought something."""
    if not sales:
        return
    active_from = max(profile.since, ctx.start)
    years = (ctx.today - active_from).days / 365
    _write_complaints(ctx, profile, sales, active_from, _complaint_count(profile, years), sink)
    _write_nps(ctx, profile, active_from, sink)


def _complaint_count(profile: ClientProfile, years: float) -> int:
    if profile.toxic == "losses":
        return profile.rng.randint(6, 10)
    if profile.manager.username == stories.COMPLAINTS_MANAGER:
        return poisson(profile.rng, 0.8 * years)
    return poisson(profile.rng, 0.04 * years)


def _write_complaints(
    ctx: Context, profile: ClientProfile, sales: list[Sale], active_from: datetime.date, count: int, sink: Sink
) -> None:
    rng = profile.rng
    kind = "losses" if profile.toxic == "losses" else ""
    if profile.manager.username == stories.COMPLAINTS_MANAGER:
        kind = "manager"
    for _ in range(count):
        received_on = uniform_date(rng, active_from, ctx.today)
        category = weighted(rng, CATEGORY_WEIGHTS[kind])
        in_force = [s.contract for s in sales if s.contract.starts_on <= received_on <= s.contract.ends_on]
        status, resolved_on = _resolution(ctx, rng, received_on)
        sink.add(
            Complaint(
                client_id=profile.pk,
                contract_id=in_force[0].pk if in_force else None,
                manager_id=profile.manager.id,
                category=category,
                status=status,
                received_on=received_on,
                resolved_on=resolved_on,
                text=TEXTS[category],
                external_id=f"SD-{ctx.next_serial('complaint'):07d}",
            )
        )


def _resolution(ctx: Context, rng: random.Random, received_on: datetime.date) -> tuple[str, datetime.date | None]:
    if received_on > ctx.today - 30 * DAY:
        return rng.choice((ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)), None
    resolved_on = min(ctx.today, received_on + rng.randint(3, 40) * DAY)
    return (ComplaintStatus.RESOLVED if rng.random() < 0.8 else ComplaintStatus.REJECTED), resolved_on


def _write_nps(ctx: Context, profile: ClientProfile, active_from: datetime.date, sink: Sink) -> None:
    """About a third of clients answer the yearly survey; toxic clients and the complaints manager's score lower."""
    rng = profile.rng
    shift = 4 if profile.toxic else (2 if profile.manager.username == stories.COMPLAINTS_MANAGER else 0)
    for year in range(active_from.year, ctx.today.year + 1):
        first = max(active_from, datetime.date(year, 1, 1))
        last = min(ctx.today, datetime.date(year, 12, 31))
        if first > last or rng.random() >= 0.35:
            continue
        score = max(0, weighted(rng, NPS_SCORES) - shift)
        comment = NPS_COMMENTS["promoter"] if score >= 9 else (NPS_COMMENTS["detractor"] if score <= 6 else "")
        sink.add(
            NpsResponse(
                client_id=profile.pk,
                score=score,
                comment=comment if rng.random() < 0.4 else "",
                responded_on=uniform_date(rng, first, last),
                external_id=f"NPS-{ctx.next_serial('nps'):07d}",
            )
        )
