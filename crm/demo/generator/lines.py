"""Which product lines a client buys and when: initial lines, cross-sales, IT cyber demand, pilot sales."""

import datetime
from dataclasses import dataclass

from crm.clients.models import Segment
from crm.demo.generator import deals
from crm.demo.generator.clients import ClientProfile
from crm.demo.generator.config import LINE_UPTAKE_DEFAULT
from crm.demo.generator.context import Context, ProductInfo
from crm.demo.generator.dates import DAY, seasonal_date, uniform_date
from crm.demo.generator.pricing import uptake
from crm.demo.generator.randomness import poisson
from crm.demo.generator.sink import Sink

# Cyber inquiries per IT client in the 12-month windows ending today, then one, two and three years earlier.
CYBER_INQUIRY_RATES = (1.2, 0.45, 0.22, 0.10)
PILOT_INDUSTRIES = ("it", "trade", "retail", "professional_services", "finance", "real_estate")
PILOT_SEGMENTS = (Segment.MICRO, Segment.SMALL, Segment.MEDIUM)


@dataclass(slots=True)
class LinePlan:
    """The first sale of a line for a client: a contract from before the history ("seed"), new or cross-sale."""

    line: str
    first_on: datetime.date
    kind: str
    product: ProductInfo | None = None


def line_plans(ctx: Context, profile: ClientProfile, sink: Sink) -> list[LinePlan]:
    """The client's lines in the order it bought them; inquiries that were lost or are open become deals here."""
    plans = [] if profile.is_prospect else _initial_plans(ctx, profile)
    if profile.industry == "it":
        plans += _cyber_inquiries(ctx, profile, sink)
    if _takes_pilot(ctx, profile):
        plans += _pilot_deals(ctx, profile, sink)
    return [plan for plan in plans if not _taxi_kasko_this_year(ctx, profile, plan)]


def _initial_plans(ctx: Context, profile: ClientProfile) -> list[LinePlan]:
    rng = profile.rng
    if profile.planted:
        lines = list(profile.planted.lines)
    else:
        lines = [line for line in LINE_UPTAKE_DEFAULT if rng.random() < uptake(profile, line)]
        rng.shuffle(lines)
        lines = lines or [max(LINE_UPTAKE_DEFAULT, key=lambda line: uptake(profile, line))]
    plans = []
    for number, line in enumerate(lines):
        plan = _plan_for(ctx, profile, line, number)
        if plan is not None:
            plans.append(plan)
    return plans


def _plan_for(ctx: Context, profile: ClientProfile, line: str, number: int) -> LinePlan | None:
    rng = profile.rng
    if profile.is_legacy and (number == 0 or profile.planted or rng.random() < 0.7):
        return LinePlan(line, seasonal_date(rng, ctx.start - 365 * DAY, ctx.start - DAY), "seed")
    if profile.is_legacy:
        return LinePlan(line, seasonal_date(rng, ctx.start, ctx.today), "cross_sell")
    if number == 0:
        return LinePlan(line, profile.since, "new")
    first_on = profile.since + rng.randint(60, 1_000) * DAY
    return LinePlan(line, first_on, "cross_sell") if first_on <= ctx.today else None


def _cyber_inquiries(ctx: Context, profile: ClientProfile, sink: Sink) -> list[LinePlan]:
    """IT companies ask for cyber cover ever more often (story c); some inquiries become contracts."""
    rng, plans = profile.rng, list[LinePlan]()
    for window, rate in enumerate(CYBER_INQUIRY_RATES):
        last = ctx.today - 365 * window * DAY
        first = max(last - 364 * DAY, profile.since)
        for _ in range(poisson(rng, rate) if first <= last else 0):
            asked_on = uniform_date(rng, first, last)
            if not plans and not profile.is_prospect and asked_on < ctx.today - 45 * DAY and rng.random() < 0.4:
                plans.append(LinePlan("cyber", asked_on + rng.randint(10, 40) * DAY, "cross_sell"))
            else:
                deals.write_inquiry(ctx, profile, "cyber", None, asked_on, sink)
    return [plan for plan in plans if plan.first_on <= ctx.today]


def _takes_pilot(ctx: Context, profile: ClientProfile) -> bool:
    if profile.is_prospect or profile.industry not in PILOT_INDUSTRIES or profile.segment not in PILOT_SEGMENTS:
        return False
    target = max(15, ctx.scale.clients // 100)
    return profile.rng.random() < target / (ctx.scale.clients * 0.35)


def _pilot_deals(ctx: Context, profile: ClientProfile, sink: Sink) -> list[LinePlan]:
    """Pilot sales (story i): about 40 % of decided pilot deals are won."""
    rng, pilot = profile.rng, ctx.catalog.pilot
    asked_on = uniform_date(rng, max(pilot.launched_on, profile.since), ctx.today)
    if asked_on < ctx.today - 40 * DAY and rng.random() < 0.4:
        return [LinePlan("cyber", asked_on + rng.randint(10, 30) * DAY, "cross_sell", pilot)]
    deals.write_inquiry(ctx, profile, "cyber", pilot, asked_on, sink)
    return []


def _taxi_kasko_this_year(ctx: Context, profile: ClientProfile, plan: LinePlan) -> bool:
    """Taxi fleets stopped buying new КАСКО this year (story d); renewals thin out in `renewal_probability`."""
    return (
        profile.industry == "taxi"
        and plan.line == "kasko"
        and plan.kind != "seed"
        and (plan.first_on.year == ctx.today.year)
    )
