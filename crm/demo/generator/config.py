"""Sizes of the generated department (scales) and the business constants every domain module shares."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Scale:
    """How big the generated department is: clients, org chart, DMS intensity, and write batching."""

    code: str
    clients: int
    regions: int
    teams: int
    managers: int
    underwriters: int
    support_staff: int
    chunk_clients: int
    dms_visits_per_insured: float


SCALES = {
    "XS": Scale("XS", 150, 2, 3, 9, 2, 1, 50, 0.6),
    "S": Scale("S", 2_000, 4, 8, 40, 3, 2, 250, 0.6),
    "M": Scale("M", 20_000, 8, 25, 200, 6, 3, 500, 1.5),
    "L": Scale("L", 200_000, 12, 75, 600, 15, 8, 1_000, 1.5),
}

BATCH_SIZE = 5_000
USER_EMAIL_DOMAIN = "demo-crm.example"

# Month weights of new business (Dec and March peaks, summer dip); renewals inherit them.
SEASONALITY = (0.70, 0.85, 1.30, 1.00, 0.85, 0.80, 0.70, 0.70, 0.95, 1.05, 1.10, 1.50)

# Base annual premium at a turnover of 100 M ₽ and the elasticity to turnover, per product line.
LINE_PRICING = {
    "property": (120_000, 0.85),
    "kasko": (150_000, 0.70),
    "osago_fleet": (60_000, 0.70),
    "cargo": (80_000, 0.80),
    "liability": (50_000, 0.75),
    "construction": (220_000, 0.85),
    "dno": (150_000, 0.60),
    "cyber": (90_000, 0.70),
    "esg": (180_000, 0.70),
}
DMS_PRICE_PER_INSURED = 36_000
ACCIDENT_PRICE_PER_INSURED = 2_500

# Expected loss ratio per line; industries multiply it (logistics is the planted high-loss industry).
LINE_LOSS_RATIO = {
    "property": 0.30,
    "kasko": 0.55,
    "osago_fleet": 0.60,
    "cargo": 0.40,
    "liability": 0.22,
    "dms": 0.62,
    "accident": 0.25,
    "construction": 0.30,
    "dno": 0.10,
    "cyber": 0.30,
    "esg": 0.15,
}
INDUSTRY_LOSS_FACTOR = {"logistics": 2.2, "taxi": 1.25, "transport": 1.15, "construction": 1.1}
# Mean number of non-DMS claims per contract-year.
LINE_CLAIM_FREQUENCY = {
    "property": 0.35,
    "kasko": 2.5,
    "osago_fleet": 1.6,
    "cargo": 1.2,
    "liability": 0.2,
    "accident": 0.4,
    "construction": 0.5,
    "dno": 0.05,
    "cyber": 0.25,
    "esg": 0.1,
}

# Probability a client holds a line, by default and per industry (the rest of the mix is realistic noise).
LINE_UPTAKE_DEFAULT = {
    "property": 0.45,
    "kasko": 0.18,
    "osago_fleet": 0.12,
    "cargo": 0.06,
    "liability": 0.15,
    "dms": 0.22,
    "accident": 0.10,
    "construction": 0.0,
    "dno": 0.0,
    "cyber": 0.03,
    "esg": 0.0,
}
LINE_UPTAKE_BY_INDUSTRY = {
    "logistics": {"kasko": 0.75, "osago_fleet": 0.6, "cargo": 0.85, "liability": 0.4},
    "taxi": {"kasko": 0.95, "osago_fleet": 0.9, "accident": 0.4, "property": 0.15},
    "transport": {"kasko": 0.6, "osago_fleet": 0.5, "cargo": 0.4},
    "it": {"property": 0.3, "dms": 0.5, "cyber": 0.0},
    "construction": {"construction": 0.7, "liability": 0.5, "kasko": 0.3},
    "manufacturing": {"property": 0.75, "liability": 0.4, "cargo": 0.2, "esg": 0.06},
    "food_production": {"property": 0.7, "liability": 0.4, "cargo": 0.25},
    "energy": {"property": 0.8, "liability": 0.5, "esg": 0.25},
    "mining": {"property": 0.8, "liability": 0.5, "esg": 0.3, "accident": 0.4},
    "finance": {"dno": 0.35, "cyber": 0.15, "dms": 0.5},
    "trade": {"property": 0.6, "cargo": 0.2},
    "retail": {"property": 0.65},
    "healthcare": {"liability": 0.5, "property": 0.4},
}

INDUSTRY_WEIGHTS = {
    "agriculture": 4,
    "mining": 2,
    "manufacturing": 11,
    "food_production": 5,
    "energy": 3,
    "utilities": 2,
    "construction": 10,
    "trade": 12,
    "retail": 7,
    "transport": 4,
    "logistics": 8,
    "taxi": 4,
    "hospitality": 4,
    "it": 9,
    "finance": 3,
    "real_estate": 4,
    "professional_services": 5,
    "healthcare": 2,
    "education": 1,
}
# The first clients of every scale cycle through these, so stories have enough data even at XS.
QUOTA_INDUSTRIES = ("logistics", "it", "taxi")
QUOTA_PER_INDUSTRY = 9

LEAD_SOURCE_WEIGHTS = {
    "website": 14,
    "agent": 18,
    "broker": 20,
    "referral": 14,
    "tender": 10,
    "cold_call": 10,
    "exhibition": 6,
    "campaign": 8,
}

RENEWAL_RATE = 0.80
TERMINATION_RATE = 0.035
CANCELLATION_RATE = 0.01
LEGACY_SHARE = 0.55
PROSPECT_SHARE = 0.30  # of clients won during the history: these never bought
SOLE_PROPRIETOR_SHARE = 0.04

MANAGER_DISCOUNT_LIMIT = Decimal("0.05")
SENIOR_DISCOUNT_LIMIT = Decimal("0.10")
PRICE_INFLATION = 0.07  # yearly growth of tariffs for new business
UNDERWRITTEN_LINES = ("property", "cargo", "construction", "dno", "cyber", "esg", "liability")
