"""What the finance system reports: the payment schedule with payments, and claims (ДМС as many small lines)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from crm.demo.generator.clients import ClientProfile
from crm.demo.generator.config import INDUSTRY_LOSS_FACTOR, LINE_CLAIM_FREQUENCY, LINE_LOSS_RATIO
from crm.demo.generator.context import Context
from crm.demo.generator.dates import DAY, add_months
from crm.demo.generator.randomness import poisson
from crm.demo.generator.sink import Sink
from crm.finance.models import Claim, ClaimStatus, Instalment
from crm.policies.models import Contract, ContractStatus

if TYPE_CHECKING:
    from crm.demo.generator.sales import Sale

CENT = Decimal("0.01")
TOXIC_LOSS_RATIO = 1.5  # what a toxic «losses» client costs, whatever the line


def write_instalments(ctx: Context, profile: ClientProfile, contract: Contract, sink: Sink) -> None:
    """1, 2 or 4 instalments; mostly paid on time, some late, a few unpaid; none after a termination."""
    if contract.status == ContractStatus.CANCELLED:
        return
    rng = profile.rng
    count = 4 if profile.toxic == "discount" else rng.choices((1, 2, 4), weights=(60, 20, 20))[0]
    months = max(1, round(((contract.ends_on - contract.starts_on).days + 1) / 30.4))
    share = (contract.written_premium_amount / count).quantize(CENT)
    for number in range(count):
        due_on = add_months(contract.starts_on, months * number // count)
        if contract.terminated_on and due_on > contract.terminated_on:
            break
        amount = share if number < count - 1 else contract.written_premium_amount - share * (count - 1)
        paid_on = _payment_date(ctx, profile, due_on)
        sink.add(
            Instalment(
                contract_id=contract.pk,
                due_on=due_on,
                amount=amount,
                paid_on=paid_on,
                paid_amount=amount if paid_on else Decimal("0.00"),
                external_id=f"{contract.external_id}-{number + 1}",
            )
        )


def _payment_date(ctx: Context, profile: ClientProfile, due_on: datetime.date) -> datetime.date | None:
    rng = profile.rng
    late, unpaid = (0.7, 0.15) if profile.toxic == "discount" else (0.12, 0.03)
    roll = rng.random()
    if roll < unpaid:
        return None if due_on > ctx.today - 150 * DAY else due_on + rng.randint(60, 120) * DAY
    if roll < unpaid + late:
        paid_on = due_on + rng.randint(15 if profile.toxic else 1, 90 if profile.toxic else 45) * DAY
    else:
        paid_on = due_on - rng.randint(0, 10) * DAY
    return paid_on if paid_on <= ctx.today else None


@dataclass(frozen=True, slots=True)
class ClaimPlan:
    """How many claim lines a contract has so far, their mean amount and spread, and the cover they fall in."""

    count: int
    mean_amount: float
    sigma: float
    cover_end: datetime.date


def write_claims(ctx: Context, profile: ClientProfile, sale: "Sale", sink: Sink) -> None:
    """Claims with loss dates inside the cover so far; their expected total is loss ratio × earned premium."""
    plan = _claim_plan(ctx, profile, sale)
    if plan is None:
        return
    for number in range(plan.count):
        sink.add(_claim_line(ctx, profile, sale.contract, plan, number))


def _claim_plan(ctx: Context, profile: ClientProfile, sale: "Sale") -> ClaimPlan | None:
    """ДМС: many small lines (visits of the insured); other lines: a few claims, Poisson-distributed."""
    contract, rng = sale.contract, profile.rng
    cover_end = min(contract.ends_on, contract.terminated_on or contract.ends_on, ctx.today)
    exposure_years = ((cover_end - contract.starts_on).days + 1) / 365
    if contract.status == ContractStatus.CANCELLED or exposure_years <= 0:
        return None
    term_years = ((contract.ends_on - contract.starts_on).days + 1) / 365
    loss_ratio = LINE_LOSS_RATIO[sale.line] * INDUSTRY_LOSS_FACTOR.get(profile.industry, 1.0)
    if profile.toxic == "losses":
        loss_ratio = TOXIC_LOSS_RATIO
    expected = float(contract.written_premium_amount) * loss_ratio * exposure_years / term_years
    if sale.line == "dms":
        count = round(sale.insured * ctx.scale.dms_visits_per_insured * exposure_years * rng.uniform(0.8, 1.2))
        return ClaimPlan(count, expected / count if count else 0.0, 0.6, cover_end)
    frequency = LINE_CLAIM_FREQUENCY[sale.line] * (2 if profile.toxic == "losses" else 1) * exposure_years
    return ClaimPlan(poisson(rng, frequency), expected / frequency if frequency else 0.0, 0.8, cover_end)


def _claim_line(ctx: Context, profile: ClientProfile, contract: Contract, plan: ClaimPlan, number: int) -> Claim:
    rng = profile.rng
    loss_on = contract.starts_on + rng.randint(0, (plan.cover_end - contract.starts_on).days) * DAY
    reported_on = min(ctx.today, loss_on + rng.randint(0, 20) * DAY)
    incurred = Decimal(f"{plan.mean_amount * rng.lognormvariate(-plan.sigma * plan.sigma / 2, plan.sigma):.2f}")
    paid_on = reported_on + rng.randint(5, 40) * DAY
    refused = rng.random() < 0.03
    status = ClaimStatus.PAID if paid_on <= ctx.today else ClaimStatus.IN_SETTLEMENT
    if refused:
        status = ClaimStatus.REFUSED
    return Claim(
        contract_id=contract.pk,
        client_id=profile.pk,
        loss_on=loss_on,
        reported_on=reported_on,
        paid_on=paid_on if status == ClaimStatus.PAID else None,
        incurred_amount=Decimal("0.00") if refused else incurred,
        paid_amount=incurred if status == ClaimStatus.PAID else Decimal("0.00"),
        status=status,
        external_id=f"{contract.external_id}-CL{number + 1:05d}",
    )
