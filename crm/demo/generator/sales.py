"""Contracts: chains of yearly renewals per line, cross-sales, terminations, and the won deal of each sale."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from crm.demo.generator import deals, finance, stories
from crm.demo.generator.clients import ClientProfile
from crm.demo.generator.config import CANCELLATION_RATE, RENEWAL_RATE, TERMINATION_RATE
from crm.demo.generator.context import Context, ProductInfo
from crm.demo.generator.dates import DAY, add_months, at_work_hours, uniform_date
from crm.demo.generator.lines import LinePlan, line_plans
from crm.demo.generator.pricing import pick_product, quote
from crm.demo.generator.sink import Sink
from crm.policies.models import Contract, ContractStatus, TerminationReason

NUMBER_PREFIX = {
    "property": "ИМ",
    "kasko": "КА",
    "osago_fleet": "ОС",
    "cargo": "ГР",
    "liability": "ГО",
    "dms": "ДМС",
    "accident": "НС",
    "construction": "СМР",
    "dno": "DO",
    "cyber": "КБ",
    "esg": "ЭК",
}
TERMINATION_WEIGHTS = {
    TerminationReason.CLIENT_REQUEST: 30,
    TerminationReason.NON_PAYMENT: 20,
    TerminationReason.ASSET_SOLD: 20,
    TerminationReason.MOVED_TO_COMPETITOR: 15,
    TerminationReason.RISK_CHANGE: 10,
    TerminationReason.INSURER_INITIATIVE: 5,
}
CENT = Decimal("0.01")
SPECIAL_TERMS = [
    "Франшиза 50 000 ₽ по каждому убытку.",
    "Покрытие распространяется на все филиалы.",
    "Рассрочка в 4 платежа без удорожания.",
    "Расширенное покрытие по согласованию с андеррайтингом.",
]


@dataclass(slots=True)
class Sale:
    """A concluded contract as later steps need it (renewal, complaints, amendments)."""

    contract: Contract
    line: str
    product: ProductInfo
    tariff: float
    insured: int


def write_sales(ctx: Context, profile: ClientProfile, sink: Sink) -> list[Sale]:
    """Every contract of the client over the history, with won deals, open/lost renewals and other deals."""
    sales: list[Sale] = []
    for plan in line_plans(ctx, profile, sink):
        sales += _run_chain(ctx, profile, plan, sink)
    deals.write_attempts(ctx, profile, {sale.line for sale in sales}, sink)
    return sales


def _run_chain(ctx: Context, profile: ClientProfile, plan: LinePlan, sink: Sink) -> list[Sale]:
    rng, sales, previous = profile.rng, [], None
    concluded, kind = plan.first_on, plan.kind
    while True:
        sale = conclude(ctx, profile, plan.line, concluded, kind, previous, sink, plan.product)
        sales.append(sale)
        contract = sale.contract
        if contract.status in (ContractStatus.TERMINATED, ContractStatus.CANCELLED) or plan.line == "construction":
            return sales
        # renewals of contracts from before the history are concluded within it, so every won deal is too
        next_concluded = max(ctx.start, contract.ends_on + DAY - rng.randint(1, 20) * DAY)
        if next_concluded > ctx.today:
            if next_concluded <= ctx.today + 100 * DAY:
                deals.write_open_renewal(ctx, profile, sale, next_concluded, sink)
            return sales
        if rng.random() >= renewal_probability(profile, plan.line, next_concluded, ctx.today):
            deals.write_lost_renewal(ctx, profile, sale, next_concluded, sink)
            return sales
        previous, concluded, kind, plan.product = sale, next_concluded, "renewal", None


def renewal_probability(profile: ClientProfile, line: str, on: datetime.date, today: datetime.date) -> float:
    """80 % by default; planted clients stay; taxi fleets drop КАСКО this year; toxic and Сибирь churn more."""
    if profile.industry == "taxi" and line == "kasko":
        return 0.3 if on.year == today.year else 0.92
    if profile.planted:
        return 1.0
    if profile.region.code == stories.LOW_WIN_RATE_REGION:
        return 0.72
    return RENEWAL_RATE


def conclude(
    ctx: Context,
    profile: ClientProfile,
    line: str,
    concluded: datetime.date,
    kind: str,
    previous: Sale | None,
    sink: Sink,
    product: ProductInfo | None = None,
) -> Sale:
    """One contract with its won deal (none for contracts concluded before the history), schedule and claims."""
    product = product or pick_product(ctx, profile, line, concluded)
    tariff, insured = _tariff(profile, line, concluded, previous, ctx.today)
    requested, granted = deals.discounts(profile, kind)
    contract = _new_contract(ctx, profile, line, concluded, previous, product)
    contract.discount_rate = granted
    contract.written_premium_amount = Decimal(f"{tariff * (1 - float(granted)):.2f}")
    contract.commission_amount = (contract.written_premium_amount * product.commission_rate).quantize(CENT)
    if contract.written_premium_amount > 1_000_000 and profile.rng.random() < 0.4:
        contract.special_terms = profile.rng.choice(SPECIAL_TERMS)
    _set_status(ctx, profile, contract)
    _set_approval(profile, contract)
    if kind != "seed":
        contract.deal_id = deals.write_won_deal(ctx, profile, contract, product, kind, requested, sink)
    sink.add(contract)
    sale = Sale(contract, line, product, tariff, insured)
    finance.write_instalments(ctx, profile, contract, sink)
    finance.write_claims(ctx, profile, sale, sink)
    return sale


def _new_contract(
    ctx: Context,
    profile: ClientProfile,
    line: str,
    concluded: datetime.date,
    previous: Sale | None,
    product: ProductInfo,
) -> Contract:
    """The contract's identity and dates: a renewal starts the day after the previous contract ends."""
    rng = profile.rng
    starts = previous.contract.ends_on + DAY if previous else concluded + rng.randint(0, 10) * DAY
    serial = ctx.next_contract_serial()
    return Contract(
        pk=ctx.pks.take(Contract),
        number=f"{NUMBER_PREFIX[line]}-{concluded.year}-{serial:07d}",
        client_id=profile.pk,
        product_id=product.id,
        manager_id=profile.manager.id,
        concluded_on=concluded,
        starts_on=starts,
        ends_on=add_months(starts, rng.randint(6, 18) if line == "construction" else 12) - DAY,
        written_premium_amount=Decimal("0.00"),
        renewal_of_id=previous.contract.pk if previous else None,
        external_id=f"1C-{serial:08d}",
    )


def _tariff(
    profile: ClientProfile, line: str, on: datetime.date, previous: Sale | None, today: datetime.date
) -> tuple[float, int]:
    """Annual tariff before discount: a renewal indexes the previous one; taxi fleets shrink this year."""
    if previous is None:
        return quote(profile, line, on)
    factor = profile.rng.uniform(1.0, 1.1)
    if profile.industry == "taxi" and line == "kasko" and on.year == today.year:
        factor *= 0.7
    return previous.tariff * factor, previous.insured


def _set_status(ctx: Context, profile: ClientProfile, contract: Contract) -> None:
    rng, today = profile.rng, ctx.today
    roll = 1.0 if profile.planted else rng.random()
    if roll < CANCELLATION_RATE:
        contract.status = ContractStatus.CANCELLED
        return
    earliest = contract.starts_on + 30 * DAY
    if roll < CANCELLATION_RATE + TERMINATION_RATE * (2 if profile.toxic else 1) and earliest <= min(
        today, contract.ends_on
    ):
        contract.status = ContractStatus.TERMINATED
        contract.terminated_on = uniform_date(rng, earliest, min(today, contract.ends_on - DAY))
        weights = TERMINATION_WEIGHTS
        contract.termination_reason = rng.choices(list(weights), weights=list(weights.values()))[0]
        return
    contract.status = ContractStatus.EXPIRED if contract.ends_on < today else ContractStatus.IN_FORCE


def _set_approval(profile: ClientProfile, contract: Contract) -> None:
    """A discount above the manager's own limit was approved: the terms are frozen at approval."""
    if contract.discount_rate > Decimal("0.05"):
        contract.approved_terms = contract.current_terms()
        approved_on = contract.concluded_on - profile.rng.randint(1, 5) * DAY
        contract.approved_at = at_work_hours(profile.rng, approved_on)
