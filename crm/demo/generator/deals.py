"""Deals: the won deal of every sale, lost and open renewals, lost and open new business, inquiries."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from crm.demo.generator import activities, stories
from crm.demo.generator.clients import ClientProfile
from crm.demo.generator.context import Context, ProductInfo
from crm.demo.generator.dates import DAY, add_months, at_work_hours, quarter_start, uniform_date
from crm.demo.generator.pricing import pick_product, quote, uptake
from crm.demo.generator.randomness import poisson, weighted
from crm.demo.generator.sink import Sink
from crm.pipeline.models import Deal, DealKind, DealStatus, LostReason
from crm.policies.models import Contract

if TYPE_CHECKING:
    from crm.demo.generator.sales import Sale

ATTEMPT_REASONS = {
    LostReason.PRICE: 35,
    LostReason.COMPETITOR_RELATIONSHIP: 20,
    LostReason.POSTPONED: 15,
    LostReason.NO_COVERAGE: 12,
    LostReason.UNDERWRITING: 10,
    LostReason.OTHER: 8,
}
RENEWAL_REASONS = {
    LostReason.PRICE: 40,
    LostReason.COMPETITOR_RELATIONSHIP: 35,
    LostReason.UNDERWRITING: 10,
    LostReason.POSTPONED: 5,
    LostReason.OTHER: 10,
}
LOST_AT_STAGE: dict[str, tuple[int, int]] = {
    LostReason.PRICE: (2, 3),
    LostReason.COMPETITOR_RELATIONSHIP: (2, 3),
    LostReason.NO_COVERAGE: (0, 1),
    LostReason.UNDERWRITING: (1, 2),
    LostReason.POSTPONED: (1, 3),
    LostReason.OTHER: (0, 3),
}
UNCOVERED_BY_INDUSTRY = {
    "energy": "climate_transition",
    "mining": "climate_transition",
    "manufacturing": "climate_transition",
    "finance": "crypto_assets",
    "it": "crypto_assets",
    "agriculture": "drone_liability",
    "construction": "drone_liability",
    "logistics": "drone_liability",
    "trade": "trade_credit",
    "retail": "trade_credit",
    "food_production": "trade_credit",
}
KIND_TITLES: dict[str, str] = {
    DealKind.NEW: "новый бизнес",
    DealKind.RENEWAL: "пролонгация",
    DealKind.CROSS_SELL: "кросс-продажа",
}
OTHER_REASON_TEXTS = ["Компания закрыла направление", "Сменился собственник", "Решение заморожено до нового бюджета"]


@dataclass(slots=True)
class DealSpec:
    """What a deal is about to be written with; `add_deal` fills in stage, probability and texts."""

    product: ProductInfo
    kind: str
    status: str
    amount: Decimal
    created_on: datetime.date
    closed_on: datetime.date | None = None
    expected_on: datetime.date | None = None
    stage: int | None = None
    reason: str = ""
    requested: Decimal | None = None
    granted: Decimal | None = None
    with_lead: bool = False


def add_deal(ctx: Context, profile: ClientProfile, spec: DealSpec, sink: Sink) -> int:
    """Write one deal with its requested risks, activities and underwriting decision; return its id."""
    deal = _deal_row(ctx, profile, spec)
    sink.add(deal)
    _write_risks(ctx, profile, deal, spec, sink)
    activities.write_activities(ctx, profile, deal, sink)
    activities.write_underwriting(ctx, profile, deal, spec.product.line, sink)
    return deal.pk


def _deal_row(ctx: Context, profile: ClientProfile, spec: DealSpec) -> Deal:
    rng, stages = profile.rng, ctx.refs.stages
    if profile.toxic == "discount" and spec.requested is None:
        spec.requested = Decimal(rng.choice((15, 20, 25))) / 100  # such a client asks on every deal
        spec.granted = None if spec.status == DealStatus.OPEN else Decimal("0")
    stage = min(len(stages) - 1, spec.stage if spec.stage is not None else _default_stage(rng, spec))
    created_at = at_work_hours(rng, spec.created_on)
    return Deal(
        pk=ctx.pks.take(Deal),
        client_id=profile.pk,
        product_id=spec.product.id,
        manager_id=profile.manager.id,
        title=f"{spec.product.name} — {KIND_TITLES[spec.kind]}",
        stage_id=stages[stage][0],
        probability=_own_probability(rng, spec, stages[stage][1]),
        amount=spec.amount,
        expected_close_on=spec.expected_on or spec.closed_on,
        status=spec.status,
        kind=spec.kind,
        closed_on=spec.closed_on,
        lost_reason=spec.reason,
        lost_reason_text=_reason_text(ctx, profile, spec),
        requested_discount_rate=spec.requested,
        granted_discount_rate=spec.granted,
        lead_id=profile.lead_id if spec.with_lead else None,
        lead_source_id=ctx.refs.lead_sources[profile.lead_source] if spec.kind == DealKind.NEW else None,
        created_at=created_at,
        updated_at=max(created_at, at_work_hours(rng, spec.closed_on or ctx.today)),
    )


def _own_probability(rng: random.Random, spec: DealSpec, default: Decimal) -> Decimal | None:
    """Most open deals use their stage's probability; one in five carries the manager's own estimate."""
    if spec.status != DealStatus.OPEN or rng.random() >= 0.2:
        return None
    return Decimal(f"{min(0.95, max(0.05, float(default) + rng.uniform(-0.15, 0.15))):.2f}")


def _default_stage(rng: random.Random, spec: DealSpec) -> int:
    if spec.status == DealStatus.WON:
        return 4
    if spec.status == DealStatus.LOST:
        return rng.randint(*LOST_AT_STAGE[spec.reason])
    return rng.choices(range(5), weights=(30, 25, 20, 15, 10))[0]


def _reason_text(ctx: Context, profile: ClientProfile, spec: DealSpec) -> str:
    rng = profile.rng
    if spec.reason == LostReason.PRICE:
        return f"Дороже конкурентов: предложение конкурента на {rng.randint(7, 30)} % дешевле"
    if spec.reason == LostReason.NO_COVERAGE:
        return f"Нет нужного покрытия: «{ctx.refs.risk_names[_uncovered_risk(ctx, profile)]}»"
    if spec.reason == LostReason.OTHER:
        return rng.choice(OTHER_REASON_TEXTS)
    return ""


def _uncovered_risk(ctx: Context, profile: ClientProfile) -> str:
    return (
        UNCOVERED_BY_INDUSTRY.get(profile.industry)
        or ctx.refs.uncovered_risks[profile.index % len(ctx.refs.uncovered_risks)]
    )


def _write_risks(ctx: Context, profile: ClientProfile, deal: Deal, spec: DealSpec, sink: Sink) -> None:
    """Risks the client asked to cover: the line's own, an uncovered one for «no coverage», cyber for IT."""
    rng, line_risks = profile.rng, ctx.refs.risks_by_line[spec.product.line]
    codes = rng.sample(line_risks, k=min(len(line_risks), rng.randint(1, 2)))
    if spec.reason == LostReason.NO_COVERAGE:
        codes.append(_uncovered_risk(ctx, profile))
    recent = (ctx.today - spec.created_on).days < 730
    if profile.industry == "it" and spec.product.line != "cyber" and recent and rng.random() < 0.3:
        codes.append("data_breach")
    through = Deal.requested_risks.through
    for code in dict.fromkeys(codes):
        sink.add(through(deal_id=deal.pk, risk_id=ctx.refs.risks[code]))


def discounts(profile: ClientProfile, kind: str) -> tuple[Decimal | None, Decimal]:
    """(requested, granted): toxic «discount» clients ask almost always and for more; above 5 % needs approval."""
    rng = profile.rng
    pressure = profile.toxic == "discount"
    if kind == "seed" or rng.random() >= (0.9 if pressure else 0.22):
        return None, Decimal("0")
    requested = rng.choice((15, 20, 25, 30) if pressure else (3, 5, 5, 7, 10, 10, 12, 15))
    if requested <= 5 or rng.random() < 0.55:
        granted = requested
    else:
        granted = rng.choice([value for value in (0, 5, 7, 10) if value < requested])
    return Decimal(requested) / 100, Decimal(granted) / 100


def write_won_deal(
    ctx: Context,
    profile: ClientProfile,
    contract: Contract,
    product: ProductInfo,
    kind: str,
    requested: Decimal | None,
    sink: Sink,
) -> int:
    """The won deal behind a contract: same manager, amount = written premium, closed on conclusion."""
    cycle = {"new": (20, 120), "cross_sell": (15, 90), "renewal": (20, 60)}[kind]
    spec = DealSpec(
        product,
        kind,
        DealStatus.WON,
        contract.written_premium_amount,
        contract.concluded_on - profile.rng.randint(*cycle) * DAY,
        closed_on=contract.concluded_on,
        requested=requested,
        granted=contract.discount_rate if requested is not None else None,
        with_lead=kind == "new",
    )
    return add_deal(ctx, profile, spec, sink)


def write_lost_renewal(ctx: Context, profile: ClientProfile, sale: "Sale", due: datetime.date, sink: Sink) -> None:
    """The client did not renew: usually a lost renewal deal, sometimes still open and overdue."""
    rng = profile.rng
    if rng.random() < 0.1:
        return
    product = sale.product
    amount = Decimal(f"{sale.tariff * 1.05:.2f}")
    created_on = min(ctx.today, due - rng.randint(30, 60) * DAY)
    if due > ctx.today - 25 * DAY and rng.random() < 0.5:
        spec = DealSpec(product, DealKind.RENEWAL, DealStatus.OPEN, amount, created_on, expected_on=due, stage=3)
    else:
        reason = weighted(rng, RENEWAL_REASONS)
        closed_on = min(ctx.today, max(created_on, due + rng.randint(-5, 10) * DAY))
        spec = DealSpec(product, DealKind.RENEWAL, DealStatus.LOST, amount, created_on, closed_on, reason=reason)
    add_deal(ctx, profile, spec, sink)


def write_open_renewal(ctx: Context, profile: ClientProfile, sale: "Sale", due: datetime.date, sink: Sink) -> None:
    """An upcoming renewal in the pipeline; its stage advances as expiry nears."""
    rng = profile.rng
    created_on = due - rng.randint(30, 75) * DAY
    if created_on > ctx.today:
        return
    days_left = (due - ctx.today).days
    stage = 0 if days_left > 60 else (rng.randint(1, 2) if days_left > 30 else rng.randint(3, 4))
    amount = Decimal(f"{sale.tariff * rng.uniform(1.0, 1.1):.2f}")
    add_deal(
        ctx,
        profile,
        DealSpec(sale.product, DealKind.RENEWAL, DealStatus.OPEN, amount, created_on, expected_on=due, stage=stage),
        sink,
    )


def write_attempts(ctx: Context, profile: ClientProfile, held: set[str], sink: Sink) -> None:
    """New business and cross-sales that were lost or are still open; Сибирь loses many more (story b)."""
    rng = profile.rng
    active_from = max(profile.since, ctx.start)
    years = max(0.0, (ctx.today - active_from).days / 365)
    mean = 2.0 if profile.is_prospect else 0.35 * years
    if profile.region.code == stories.LOW_WIN_RATE_REGION:
        mean *= 3.5
    lines = [line for line in ctx.refs.risks_by_line if ctx.catalog.products[line]]
    weights = [uptake(profile, line) * (0.3 if line in held else 1.0) + 0.01 for line in lines]
    for _ in range(poisson(rng, mean)):
        line = rng.choices(lines, weights=weights)[0]
        asked_on = uniform_date(rng, active_from, ctx.today)
        write_inquiry(ctx, profile, line, None, asked_on, sink, kind=DealKind.CROSS_SELL if held else DealKind.NEW)


def write_inquiry(
    ctx: Context,
    profile: ClientProfile,
    line: str,
    product: ProductInfo | None,
    asked_on: datetime.date,
    sink: Sink,
    kind: str = DealKind.CROSS_SELL,
) -> None:
    """A deal that is still open when recent, else lost for a reason drawn from the usual mix."""
    rng = profile.rng
    product = product or pick_product(ctx, profile, line, asked_on)
    amount = Decimal(f"{quote(profile, line, asked_on)[0]:.2f}")
    if asked_on > ctx.today - 75 * DAY:
        expected_on = expected_close(ctx, rng, asked_on)
        spec = DealSpec(product, kind, DealStatus.OPEN, amount, asked_on, expected_on=expected_on)
    else:
        spec = _lost_inquiry(ctx, rng, DealSpec(product, kind, DealStatus.LOST, amount, asked_on))
    add_deal(ctx, profile, spec, sink)


def _lost_inquiry(ctx: Context, rng: random.Random, spec: DealSpec) -> DealSpec:
    """Lost within weeks, for a reason from the usual mix; price losses often followed a discount request."""
    spec.reason = weighted(rng, ATTEMPT_REASONS)
    spec.closed_on = min(ctx.today, spec.created_on + rng.randint(14, 75) * DAY)
    if spec.reason == LostReason.PRICE and rng.random() < 0.6:
        spec.requested, spec.granted = Decimal(rng.choice((10, 15, 20))) / 100, Decimal("0")
    return spec


def expected_close(ctx: Context, rng: random.Random, asked_on: datetime.date) -> datetime.date:
    """Open deals close in the past (overdue), this quarter or next quarter."""
    this_quarter = quarter_start(ctx.today)
    roll = rng.random()
    if roll < 0.2:
        return max(asked_on + 7 * DAY, ctx.today - rng.randint(3, 60) * DAY)
    if roll < 0.65:
        return uniform_date(rng, ctx.today, add_months(this_quarter, 3) - DAY)
    return uniform_date(rng, add_months(this_quarter, 3), add_months(this_quarter, 6) - DAY)
