"""The typed results of the profitability reports: params in, these rows out; formatting is a separate step.

Money is exact `Decimal` roubles (not yet rounded), rates are decimal fractions, `None` an undefined figure.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from crm.core.periods import Period
from crm.profitability import formulas

ZERO = Decimal(0)
Level = Literal["industry", "segment", "product_line", "client"]
Order = Literal["top", "bottom"]


@dataclass(frozen=True)
class Economics:
    """A scope's insurance economics over a window: what it earned, paid away and cost in claims."""

    earned_premium: Decimal = ZERO
    earned_commission: Decimal = ZERO
    incurred_claims: Decimal = ZERO
    claims_count: int = 0
    cover_days: int = 0

    @property
    def ltv(self) -> Decimal:
        return formulas.ltv(self.earned_premium, self.earned_commission, self.incurred_claims)

    @property
    def loss_ratio(self) -> Decimal | None:
        return formulas.loss_ratio(self.incurred_claims, self.earned_premium)

    @property
    def claim_frequency(self) -> Decimal | None:
        return formulas.claim_frequency(self.claims_count, self.cover_days)

    @property
    def exposure_years(self) -> Decimal:
        return formulas.exposure_years(self.cover_days)

    def __add__(self, other: "Economics") -> "Economics":
        return Economics(
            self.earned_premium + other.earned_premium,
            self.earned_commission + other.earned_commission,
            self.incurred_claims + other.incurred_claims,
            self.claims_count + other.claims_count,
            self.cover_days + other.cover_days,
        )


@dataclass(frozen=True)
class ClientRef:
    """Who a row is about: enough to name and link the client."""

    id: int
    name: str
    manager: str
    industry: str
    segment: str


@dataclass(frozen=True)
class LtvRow:
    """One client of the LTV ranking: LTV components, contracts, lines held and LTV of each of the 3 years."""

    rank: int
    client: ClientRef
    economics: Economics
    contracts_count: int
    product_lines: tuple[str, ...]
    yearly_ltv: tuple[Decimal, ...]

    @property
    def ltv(self) -> Decimal:
        return self.economics.ltv


@dataclass(frozen=True)
class LtvRanking:
    """Top (or bottom) N clients by 3-year LTV among the clients with business in the window."""

    window: Period
    years: tuple[Period, ...]
    order: Order
    limit: int
    rows: list[LtvRow]
    clients_count: int
    total: Economics


@dataclass(frozen=True)
class LossRatioRow:
    """A group (industry, segment, product line or client) with its economics over the window."""

    key: str
    name: str
    economics: Economics
    clients_count: int


@dataclass(frozen=True)
class ClaimsWithoutPremium:
    """A client with claims in the window but no earned premium: its loss ratio is undefined, so it is listed apart."""

    client: ClientRef
    incurred_claims: Decimal
    claims_count: int


@dataclass(frozen=True)
class LossRatioReport:
    """Loss ratio by one level of industry → segment → product line → clients, and the company-wide figure."""

    window: Period
    level: Level
    rows: list[LossRatioRow]
    total: Economics
    company: Economics
    without_premium: list[ClaimsWithoutPremium]
    clients_count: int
    groups_count: int
    shown_limit: int


@dataclass(frozen=True)
class PaymentDelay:
    """Instalments due in the window: how many, how many paid late or overdue, and the average days late."""

    instalments_due: int = 0
    instalments_late: int = 0
    average_days_late: Decimal | None = None

    @property
    def share_late(self) -> Decimal | None:
        return formulas.ratio(self.instalments_late, self.instalments_due)


@dataclass(frozen=True)
class DiscountPressure:
    """Deals created in the window: how many asked for a discount, for how much, how much was granted, rejections."""

    deals_count: int = 0
    requests_count: int = 0
    average_requested: Decimal | None = None
    average_granted: Decimal | None = None
    rejected_count: int = 0

    @property
    def request_share(self) -> Decimal | None:
        return formulas.ratio(self.requests_count, self.deals_count)


@dataclass(frozen=True)
class Nps:
    """NPS answers in the window."""

    responses: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def score(self) -> Decimal | None:
        return formulas.nps(self.promoters, self.detractors, self.responses)


Component = Literal[
    "loss_ratio", "claim_frequency", "complaints", "discount_share", "discount_requested", "late_share", "delay_days"
]


@dataclass(frozen=True)
class ScoreLine:
    """One component of the toxic score: the client's figure, the threshold, its weight, the points and the words.

    `assessed` is false when the guard does not hold (too little exposure, deals or instalments): no points.
    """

    component: Component
    value: Decimal | None
    threshold: Decimal
    weight: int
    points: Decimal
    assessed: bool
    text: str


@dataclass(frozen=True)
class Behaviour:
    """A client's behaviour over the window: complaints, NPS, discount pressure and payment delays."""

    complaints_count: int = 0
    nps: Nps = field(default_factory=Nps)
    discounts: DiscountPressure = field(default_factory=DiscountPressure)
    payments: PaymentDelay = field(default_factory=PaymentDelay)


@dataclass(frozen=True)
class ClientScore:
    """A client's score with the figures behind it; `reasons` are the triggered components in words."""

    client: ClientRef
    window: Period
    economics: Economics
    expected_claims: Decimal | None
    behaviour: Behaviour
    lines: tuple[ScoreLine, ...]
    score: Decimal
    is_toxic: bool

    @property
    def claim_frequency_ratio(self) -> Decimal | None:
        """Claims ÷ the claims expected at the company's frequency of the client's product lines."""
        if not self.expected_claims:
            return None
        return Decimal(self.economics.claims_count) / self.expected_claims

    @property
    def reasons(self) -> list[str]:
        return [line.text for line in self.lines if line.points]


@dataclass(frozen=True)
class ToxicList:
    """The clients whose score reaches the threshold, highest first."""

    window: Period
    rows: list[ClientScore]
    toxic_count: int
    assessed_count: int
    limit: int
    score_threshold: int


@dataclass(frozen=True)
class ClientProfitability:
    """Everything profitability knows about one client, for its card and for approval decisions (scenario 3).

    LTV and its components over the 36 months ending today; loss ratio, claim frequency, behaviour and the
    toxic score over the score's window (36 months by default).
    """

    client_id: int
    today: datetime.date
    ltv_window: Period
    ltv: Decimal
    earned_premium: Decimal
    earned_commission: Decimal
    incurred_claims: Decimal
    yearly_ltv: tuple[Decimal, ...]
    score_window: Period
    loss_ratio: Decimal | None
    claim_frequency: Decimal | None
    claim_frequency_ratio: Decimal | None
    is_toxic: bool
    score: Decimal
    score_threshold: int
    reasons: tuple[str, ...]
    score_lines: tuple[ScoreLine, ...]
    payment_delay: PaymentDelay
    discount_pressure: DiscountPressure
    complaints_count: int
    nps: Decimal | None
    nps_responses: int
