"""Calls, meetings and e-mails on deals (with objections on most lost deals), and underwriting decisions."""

import datetime
import random

from crm.demo.generator.clients import ClientProfile
from crm.demo.generator.config import UNDERWRITTEN_LINES
from crm.demo.generator.context import Context
from crm.demo.generator.dates import MOSCOW, uniform_date
from crm.demo.generator.sink import Sink
from crm.pipeline.models import Activity, ActivityKind, Deal, DealStatus, LostReason, ObjectionCategory
from crm.underwriting.models import DecisionOutcome, RefusalReason, UnderwritingDecision

SUMMARIES: dict[str, list[str]] = {
    ActivityKind.CALL: [
        "Уточнили состав объектов",
        "Договорились о встрече",
        "Напомнили о сроке продления",
        "Обсудили условия оплаты",
        "Запросили недостающие документы",
    ],
    ActivityKind.MEETING: [
        "Презентация программы страхования",
        "Осмотр объектов",
        "Обсуждение коммерческого предложения",
        "Встреча с финансовым директором",
    ],
    ActivityKind.EMAIL: [
        "Отправлено коммерческое предложение",
        "Направлен проект договора",
        "Запрошена анкета",
        "Отправлен расчёт премии",
    ],
}
OBJECTIONS: dict[str, str] = {
    ObjectionCategory.PRICE: "Дорого, у конкурента дешевле",
    ObjectionCategory.COVERAGE: "Нет нужного покрытия в программе",
    ObjectionCategory.TIMING: "Вернёмся к вопросу в следующем квартале",
    ObjectionCategory.COMPETITOR: "Работаем с текущим страховщиком много лет",
    ObjectionCategory.TRUST: "Были проблемы с выплатами у знакомых",
    ObjectionCategory.OTHER: "Нужно согласовать с собственником",
}
OBJECTION_FOR_REASON: dict[str, str] = {
    LostReason.PRICE: ObjectionCategory.PRICE,
    LostReason.NO_COVERAGE: ObjectionCategory.COVERAGE,
    LostReason.POSTPONED: ObjectionCategory.TIMING,
    LostReason.COMPETITOR_RELATIONSHIP: ObjectionCategory.COMPETITOR,
    LostReason.UNDERWRITING: ObjectionCategory.TRUST,
    LostReason.OTHER: ObjectionCategory.OTHER,
}
COUNTS: dict[str, tuple[int, int]] = {DealStatus.WON: (2, 5), DealStatus.LOST: (1, 4), DealStatus.OPEN: (1, 3)}
REFUSALS = {
    RefusalReason.RISK_NOT_ACCEPTABLE: 35,
    RefusalReason.HIGH_LOSS_HISTORY: 25,
    RefusalReason.INSUFFICIENT_DATA: 20,
    RefusalReason.PRICE_INADEQUATE: 15,
    RefusalReason.SANCTIONS: 5,
}


def write_activities(ctx: Context, profile: ClientProfile, deal: Deal, sink: Sink) -> None:
    """A few activities between the deal's creation and its close; lost deals mostly carry an objection."""
    rng = profile.rng
    last = deal.closed_on or ctx.today
    count = rng.randint(*COUNTS[deal.status])
    with_objection = rng.random() < (profile.manager.objection_rate if deal.status == DealStatus.LOST else 0.15)
    objection_at = rng.randrange(count) if with_objection else -1
    first = deal.created_at.astimezone(MOSCOW).date()
    for number in range(count):
        kind = rng.choices(list(SUMMARIES), weights=(5, 2, 3))[0]
        category = ""
        if number == objection_at:
            category = OBJECTION_FOR_REASON.get(deal.lost_reason, ObjectionCategory.PRICE)
        day = uniform_date(rng, first, last)
        sink.add(
            Activity(
                deal_id=deal.pk,
                manager_id=deal.manager_id,
                kind=kind,
                occurred_at=datetime.datetime.combine(
                    day, datetime.time(rng.randint(9, 19), rng.choice((0, 15, 30, 45))), tzinfo=MOSCOW
                ),
                summary=rng.choice(SUMMARIES[kind]),
                objection_category=category,
                objection_text=OBJECTIONS[category] if category else "",
            )
        )


def write_underwriting(ctx: Context, profile: ClientProfile, deal: Deal, line: str, sink: Sink) -> None:
    """Underwriting looks at big or complex risks; a deal lost for underwriting reasons was refused."""
    rng = profile.rng
    refused = deal.lost_reason == LostReason.UNDERWRITING
    if not refused and (line not in UNDERWRITTEN_LINES or (deal.amount < 300_000 and rng.random() > 0.3)):
        return
    first = deal.created_at.astimezone(MOSCOW).date()
    day = uniform_date(rng, first, deal.closed_on or ctx.today)
    if refused:
        outcome = DecisionOutcome.REFUSED
        reason = RefusalReason.HIGH_LOSS_HISTORY if profile.toxic == "losses" else _refusal(rng)
    else:
        outcome = DecisionOutcome.ACCEPTED if rng.random() < 0.75 else DecisionOutcome.ACCEPTED_WITH_CONDITIONS
        reason = ""
    sink.add(
        UnderwritingDecision(
            deal_id=deal.pk,
            underwriter_id=rng.choice(ctx.org.underwriter_ids),
            outcome=outcome,
            refusal_reason=reason,
            comment="Франшиза 10 % от убытка" if outcome == "conditions" else "",
            decided_at=datetime.datetime.combine(day, datetime.time(rng.randint(10, 18)), tzinfo=MOSCOW),
            external_id=f"UW-{ctx.next_serial('uw'):09d}",
        )
    )


def _refusal(rng: random.Random) -> str:
    return rng.choices(list(REFUSALS), weights=list(REFUSALS.values()))[0]
