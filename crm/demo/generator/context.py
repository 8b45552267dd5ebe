"""What every domain module of the generator reads: the scale, `today`, reference data, the org and catalogue."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from crm.demo.generator.config import Scale
from crm.demo.generator.identifiers import IdentifierPool
from crm.demo.generator.sink import PkAllocator


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """A generated region, its share of the clients and the cities (with tax region codes) they sit in."""

    id: int
    name: str
    code: str
    weight: float
    cities: tuple[tuple[str, str], ...]  # (city, two-digit tax region)


@dataclass(slots=True)
class ManagerInfo:
    """A salesperson who owns clients: a manager or a team's senior."""

    id: int
    username: str
    team_index: int
    region_code: str
    weight: float
    objection_rate: float


@dataclass(slots=True)
class TeamInfo:
    """A generated team with its senior (lead) and the salespeople who own clients."""

    id: int
    name: str
    region_code: str
    lead_id: int | None = None
    members: list[ManagerInfo] = field(default_factory=list)


@dataclass(slots=True)
class Org:
    """The generated org chart as the domain modules need it: no database round trips."""

    regions: list[RegionInfo]
    teams: list[TeamInfo]
    head_id: int
    underwriter_ids: list[int]
    by_username: dict[str, ManagerInfo]


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """A generated product: when it was on sale and what commission it pays."""

    id: int
    name: str
    line: str
    launched_on: datetime.date
    withdrawn_on: datetime.date | None
    commission_rate: Decimal
    is_pilot: bool


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    """A generated campaign: its channel and dates, to attach leads to."""

    id: int
    source: str
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass(slots=True)
class Catalog:
    """Products by line (the pilot apart) and the campaigns."""

    products: dict[str, list[ProductInfo]]
    pilot: ProductInfo
    campaigns: list[CampaignInfo]


@dataclass(slots=True)
class Refs:
    """Reference data loaded by migrations, looked up once: codes → ids."""

    industries: dict[str, int]
    lead_sources: dict[str, int]
    lines: dict[str, int]
    risks: dict[str, int]
    risk_names: dict[str, str]
    risks_by_line: dict[str, list[str]]
    uncovered_risks: list[str]
    stages: list[tuple[int, Decimal]]  # (id, default probability) by position


@dataclass(slots=True)
class Context:
    """One generation run: scale, seed, `today`, reference data, the org and catalogue, id allocation."""

    scale: Scale
    seed: int
    today: datetime.date
    start: datetime.date
    refs: Refs
    pks: PkAllocator
    identifiers: IdentifierPool = field(default_factory=IdentifierPool)
    brands: set[str] = field(default_factory=set)
    org: Org = field(init=False)
    catalog: Catalog = field(init=False)
    contract_serial: int = 0
    serials: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)  # short name → client id

    def rng_for(self, kind: str, index: int) -> random.Random:
        """An independent, reproducible random stream per entity, so one entity never shifts another."""
        return random.Random(f"{self.seed}:{kind}:{index}")

    def next_contract_serial(self) -> int:
        self.contract_serial += 1
        return self.contract_serial

    def next_serial(self, kind: str) -> int:
        """A running number per kind of record, for ids of the source systems (never a database id)."""
        self.serials[kind] = self.serials.get(kind, 0) + 1
        return self.serials[kind]
