"""Which lines a client needs, which product it buys, and what the tariff premium is."""

import datetime

from crm.clients.models import Segment
from crm.demo.generator.clients import ClientProfile
from crm.demo.generator.config import (
    ACCIDENT_PRICE_PER_INSURED,
    DMS_PRICE_PER_INSURED,
    LINE_PRICING,
    LINE_UPTAKE_BY_INDUSTRY,
    LINE_UPTAKE_DEFAULT,
    PRICE_INFLATION,
)
from crm.demo.generator.context import Context, ProductInfo

BASE_DAY = datetime.date(2023, 1, 1).toordinal()  # prices in LINE_PRICING are of that day


def uptake(profile: ClientProfile, line: str) -> float:
    """Probability the client holds the line, by industry and size."""
    value = LINE_UPTAKE_BY_INDUSTRY.get(profile.industry, {}).get(line, LINE_UPTAKE_DEFAULT[line])
    if line in ("dms", "accident"):
        factors: dict[str, float] = {Segment.MICRO: 0.4, Segment.SMALL: 1.0}
        value *= factors.get(profile.segment, 2.0)
    if line == "dno":
        value = max(value, 0.3) if profile.segment in (Segment.LARGE, Segment.KEY) else value * 0.2
    return min(value, 0.95)


def pick_product(ctx: Context, profile: ClientProfile, line: str, on: datetime.date) -> ProductInfo:
    """A product of the line on sale at that date; taxi fleets buy the taxi КАСКО program."""
    available = [
        p
        for p in ctx.catalog.products[line]
        if p.launched_on <= on and (p.withdrawn_on is None or on <= p.withdrawn_on)
    ] or ctx.catalog.products[line][:1]
    if profile.industry == "taxi" and line == "kasko":
        available = [p for p in available if "такси" in p.name] or available
    weights = [1.0 / (position + 1) for position in range(len(available))]
    return profile.rng.choices(available, weights=weights)[0]


def quote(profile: ClientProfile, line: str, on: datetime.date) -> tuple[float, int]:
    """Annual tariff premium before discount for a first sale on `on`, and the insured headcount for ДМС and НС.

    Tariffs grow with inflation, so premiums are in the money of their year.
    """
    rng = profile.rng
    inflation = (1 + PRICE_INFLATION) ** ((on.toordinal() - BASE_DAY) / 365)
    if line in ("dms", "accident"):
        insured = max(3, int(profile.headcount * rng.uniform(0.3, 0.9)))
        price = DMS_PRICE_PER_INSURED if line == "dms" else ACCIDENT_PRICE_PER_INSURED
        return insured * price * inflation * rng.uniform(0.8, 1.25), insured
    base, elasticity = LINE_PRICING[line]
    fleet = 2.0 if profile.industry in ("taxi", "logistics") and line in ("kasko", "osago_fleet") else 1.0
    return base * fleet * inflation * (profile.turnover / 1e8) ** elasticity * rng.lognormvariate(0, 0.35), 0
