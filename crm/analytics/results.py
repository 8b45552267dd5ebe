"""The typed results of the sales analytics: params in, these rows out; formatting is a separate step.

Money is exact `Decimal` roubles, rates are decimal fractions, `None` is an undefined figure («—»).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from crm.analytics.sales import ZERO, Change, Flag, PlanFigures
from crm.core.periods import Period

NodeLevel = Literal["company", "scope", "region", "team", "manager"]
SalesCut = Literal["segment", "product_line", "industry_line"]
PeopleCut = Literal["region", "manager"]


@dataclass(frozen=True)
class Fact:
    """Sales fact of a scope: Σ written premium and number of sold contracts concluded in a period."""

    amount: Decimal = ZERO
    count: int = 0

    def __add__(self, other: "Fact") -> "Fact":
        return Fact(self.amount + other.amount, self.count + other.count)


@dataclass(frozen=True)
class Outcome:
    """Deals closed in a period: won and lost."""

    won: int = 0
    lost: int = 0

    def __add__(self, other: "Outcome") -> "Outcome":
        return Outcome(self.won + other.won, self.lost + other.lost)


@dataclass(frozen=True)
class Kpis:
    """A scope's sales against plan over a period, in ₽ and in contracts."""

    period: Period
    amount: PlanFigures
    count: PlanFigures
    average_premium: Decimal | None


@dataclass(frozen=True)
class Comparison:
    """The same scope over a comparison period (previous, or a year earlier).

    `kpis` covers the whole comparison period. The changes are like for like: the period's fact so far
    against the comparison period's `comparable` part (its first N days while the period has run N days;
    all of it once the period is over); `comparable_attainment` is that part's fact ÷ its plan to date.
    """

    kpis: Kpis
    comparable: Period | None
    comparable_fact: Fact | None
    comparable_attainment: Decimal | None
    amount_change: Change
    count_change: Change
    attainment_change: Change


@dataclass(frozen=True)
class Dynamics:
    previous: Comparison
    last_year: Comparison


@dataclass(frozen=True)
class StageForecast:
    """Open deals of one stage expected to close within the forecast window."""

    stage_id: int
    stage_name: str
    count: int
    amount: Decimal
    weighted_amount: Decimal


@dataclass(frozen=True)
class DealTally:
    count: int = 0
    amount: Decimal = ZERO


@dataclass(frozen=True)
class Forecast:
    """Weighted forecast: fact so far + Σ amount × probability of open deals expected in `window`.

    `window` is [max(today, first), last] (None once the period is over: the forecast is the fact).
    Overdue (expected before today) and undated open deals are excluded and tallied apart.
    """

    period: Period
    window: Period | None
    fact_amount: Decimal
    weighted_amount: Decimal
    forecast_amount: Decimal
    by_stage: list[StageForecast]
    overdue: DealTally
    undated: DealTally


@dataclass(frozen=True)
class TrendPoint:
    """One month of the period (clipped to it) and the same month a year earlier: fact and plan."""

    month: datetime.date
    fact: Fact
    plan_amount: Decimal | None
    plan_count: Decimal | None
    last_year_month: datetime.date
    last_year_fact: Fact
    last_year_plan_amount: Decimal | None


@dataclass(frozen=True)
class Drivers:
    """What moved a node's sales against the previous period's comparable part.

    Deals won and win rate count deals closed in each window; the change of the fact splits exactly into
    a count effect and an average-premium effect (None when the comparison had no contracts).
    """

    comparison: Period | None
    deals_won: int
    deals_won_previous: int
    win_rate: Decimal | None
    win_rate_previous: Decimal | None
    contracts_count: int
    contracts_count_previous: int
    average_premium: Decimal | None
    average_premium_previous: Decimal | None
    count_effect: Decimal | None
    premium_effect: Decimal | None


@dataclass(frozen=True)
class TreeNode:
    """A node of the hierarchy (company → region → team → manager) with its figures and drivers.

    `key` is the plan scope key (`company`, `region:<id>`, `team:<id>`, `manager:<id>`); the synthetic
    root `scope` («Мои команды», no plan) appears only for a senior manager leading several teams.
    """

    key: str
    level: NodeLevel
    name: str
    amount: PlanFigures
    count: PlanFigures
    drivers: Drivers
    children: list["TreeNode"] = field(default_factory=list)

    @property
    def flag(self) -> Flag | None:
        """The node's flag: by its deviation in roubles."""
        return self.amount.flag

    def walk(self) -> Iterator["TreeNode"]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, key: str) -> "TreeNode | None":
        """The node with this key in the subtree, if any (drill-down by key)."""
        return next((node for node in self.walk() if node.key == key), None)


@dataclass(frozen=True)
class CutRow:
    """A product line or a client segment of the viewer's scope: figures against plan where one exists.

    `previous` and `last_year` are the facts of the comparable windows (see `Comparison`).
    """

    key: str
    name: str
    amount: PlanFigures
    count: PlanFigures
    previous: Fact | None
    last_year: Fact | None
    change_vs_previous: Change
    change_vs_last_year: Change


@dataclass(frozen=True)
class Dashboard:
    """Everything the head-of-sales dashboard shows for one viewer, period and day."""

    period: Period
    today: datetime.date
    threshold: Decimal
    kpis: Kpis
    forecast: Forecast
    forecast_gap_amount: Decimal | None
    dynamics: Dynamics
    trend: list[TrendPoint]
    tree: TreeNode
    by_product_line: list[CutRow]
    by_segment: list[CutRow]

    def flagged_nodes(self) -> list[TreeNode]:
        """The hierarchy nodes whose deviation exceeds the threshold (what the daily alert reports)."""
        return [node for node in self.tree.walk() if node.flag is not None]


@dataclass(frozen=True)
class SalesTrend:
    """A segment, line or industry × line whose sales fall (or rise) against both comparison windows."""

    kind: SalesCut
    key: str
    name: str
    current: Fact
    previous: Fact
    last_year: Fact
    p_value: float
    adjusted_p_value: float
    reason: str


@dataclass(frozen=True)
class WinRateSpot:
    """A region or manager whose win rate is significantly below the rest of the viewer's scope."""

    kind: PeopleCut
    key: str
    name: str
    won: int
    lost: int
    win_rate: Decimal | None
    rest_win_rate: Decimal | None
    p_value: float
    adjusted_p_value: float
    reason: str


@dataclass(frozen=True)
class HotSpots:
    """Hot spots of a period (its elapsed part) against the comparable previous and last-year windows."""

    period: Period
    window: Period | None
    previous_window: Period | None
    last_year_window: Period | None
    falling: list[SalesTrend]
    trend_rising: list[SalesTrend]
    low_win_rate: list[WinRateSpot]


@dataclass(frozen=True)
class ContractRow:
    id: int
    number: str
    client_id: int
    client_name: str
    product_name: str
    product_line_name: str
    concluded_on: datetime.date
    written_premium_amount: Decimal
    status: str


@dataclass(frozen=True)
class DealRow:
    id: int
    title: str
    client_id: int
    client_name: str
    product_line_name: str
    stage_name: str
    amount: Decimal
    probability: Decimal
    weighted_amount: Decimal
    expected_close_on: datetime.date | None
    is_overdue: bool


@dataclass(frozen=True)
class ManagerDeals:
    """The drill-down's last level: a manager's contracts concluded in the period and open deals."""

    manager_id: int
    manager_name: str
    period: Period
    fact: Fact
    contracts: list[ContractRow]
    open_deals: list[DealRow]
