"""A small hand-built department for the dashboard: 2 regions, 3 teams, 4 managers, 17 contracts, 17 deals.

Today is 15.11.2026; the period is Q4 2026 (46 of 92 days elapsed). Sold in the period (₽, segment):

| manager | region / team | contracts |
|---|---|---|
| manager_a | Центр / А | 05.10 property 1 000 000 small; 20.10 КАСКО 800 000 small; 03.11 КАСКО 200 000 micro |
| manager_a2 | Центр / А | 10.11 property 500 000 medium |
| manager_b | Центр / Б | 15.10 cyber 1 100 000 large (+ 16.10 property 999 000 cancelled from inception) |
| manager_c | Сибирь / В | 12.11 КАСКО 400 000 medium; 25.10 property 100 000 micro, terminated 01.11 |

Q3 2026: manager_a 10.07 property 600 000 small, 20.08 property 400 000 small; manager_b 05.09 КАСКО 700 000 small;
manager_c 01.07 КАСКО 425 000 small. Q4 2025: manager_a2 20.10.2025 property 1 000 000 small; manager_b 10.12.2025
cyber 2 000 000 large. Outside every window: manager_a 15.01.2026 property 5 000 000.
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest

from crm.catalog.factories import ProductFactory
from crm.catalog.models import Product, ProductLine
from crm.clients.factories import ClientFactory
from crm.core.periods import Period
from crm.core.roles import Role
from crm.org.factories import RegionFactory, TeamFactory, UserFactory
from crm.org.models import Region, Team, User
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Deal, Stage
from crm.planning.models import SalesPlan
from crm.policies.models import Contract

TODAY = datetime.date(2026, 11, 15)
Q4 = Period.quarter(2026, 4)
TURNOVER = {"micro": "50000000", "small": "500000000", "medium": "1000000000", "large": "5000000000"}
_numbers = itertools.count(1)


def day(year, month, day_):
    return datetime.date(year, month, day_)


def product(line_code: str) -> Product:
    line = ProductLine.objects.get(code=line_code)
    found = Product.objects.filter(product_line=line, name__startswith="Тест ").first()
    return found or ProductFactory(product_line=line, name=f"Тест {line.name}")


def contract(manager: User, line: str, segment: str, on: datetime.date, amount: int, **fields) -> Contract:
    """A sold contract of a new client of the given segment (turnover), owned by the manager."""
    client = ClientFactory(manager=manager, turnover_amount=Decimal(TURNOVER[segment]))
    return Contract.objects.create(
        number=f"Т-{next(_numbers):05d}",
        client=client,
        product=product(line),
        manager=manager,
        concluded_on=on,
        starts_on=on,
        ends_on=on + datetime.timedelta(days=364),
        written_premium_amount=Decimal(amount),
        **fields,
    )


def deal(manager: User, amount: int, *, stage: int = 1, status: str = "open", **fields) -> Deal:
    """A deal of a new client of the manager at the stage with this position."""
    return DealFactory(
        client=ClientFactory(manager=manager),
        manager=manager,
        stage=Stage.objects.get(position=stage),
        amount=Decimal(amount),
        status=status,
        **fields,
    )


def plan(scope: str, target, months: dict[datetime.date, tuple[int, int]], line: str | None = None) -> None:
    """Monthly plans of one scope: {first day: (₽, contracts)}."""
    product_line = ProductLine.objects.get(code=line) if line else None
    for month, (amount, count) in months.items():
        fields = {scope: target} if target is not None else {}
        SalesPlan.objects.create(
            month=month,
            scope=scope,
            amount=Decimal(amount),
            contracts_count=count,
            product_line=product_line,
            **fields,
        )


def q4(october: int, november: int, december: int, counts: tuple[int, int, int] = (0, 0, 0)):
    amounts = (october, november, december)
    months = (day(2026, 10, 1), day(2026, 11, 1), day(2026, 12, 1))
    return {month: (amount, count) for month, amount, count in zip(months, amounts, counts, strict=True)}


@dataclass
class Department:
    centre: Region
    siberia: Region
    team_a: Team
    team_b: Team
    team_c: Team
    manager_a: User
    manager_a2: User
    manager_b: User
    manager_c: User
    senior_a: User
    senior_b: User
    head: User


def _contracts(d: Department) -> None:
    a, a2, b, c = d.manager_a, d.manager_a2, d.manager_b, d.manager_c
    contract(a, "property", "small", day(2026, 10, 5), 1_000_000)
    contract(a, "kasko", "small", day(2026, 10, 20), 800_000)
    contract(a, "kasko", "micro", day(2026, 11, 3), 200_000)
    contract(a2, "property", "medium", day(2026, 11, 10), 500_000)
    contract(b, "cyber", "large", day(2026, 10, 15), 1_100_000)
    contract(b, "property", "micro", day(2026, 10, 16), 999_000, status="cancelled")
    contract(c, "kasko", "medium", day(2026, 11, 12), 400_000)
    contract(c, "property", "micro", day(2026, 10, 25), 100_000, status="terminated", terminated_on=day(2026, 11, 1))
    contract(a, "property", "small", day(2026, 7, 10), 600_000)
    contract(a, "property", "small", day(2026, 8, 20), 400_000)
    contract(b, "kasko", "small", day(2026, 9, 5), 700_000)
    contract(c, "kasko", "small", day(2026, 7, 1), 425_000)
    contract(a2, "property", "small", day(2025, 10, 20), 1_000_000)
    contract(b, "cyber", "large", day(2025, 12, 10), 2_000_000)
    contract(a, "property", "small", day(2026, 1, 15), 5_000_000)


def _deals(d: Department) -> None:
    a, a2, b, c = d.manager_a, d.manager_a2, d.manager_b, d.manager_c
    deal(a, 1_000_000, stage=3, expected_close_on=day(2026, 12, 1))
    deal(a2, 200_000, stage=3, probability=Decimal("0.9"), expected_close_on=TODAY)
    deal(b, 500_000, stage=5, probability=Decimal(0), expected_close_on=day(2026, 12, 31))
    deal(c, 300_000, stage=1, expected_close_on=day(2027, 1, 10))
    deal(a, 400_000, stage=2, expected_close_on=day(2026, 11, 14))
    deal(b, 600_000, stage=4)
    deal(c, 800_000, stage=4, expected_close_on=day(2026, 10, 1))
    for manager, status, closed_on in [
        (a, "won", day(2026, 10, 5)),
        (a, "won", day(2026, 10, 20)),
        (a, "won", day(2026, 11, 3)),
        (a, "lost", day(2026, 11, 1)),
        (a, "won", day(2026, 7, 10)),
        (a, "lost", day(2026, 7, 20)),
        (a, "lost", day(2026, 8, 20)),
        (b, "won", day(2026, 10, 15)),
        (c, "won", day(2026, 11, 12)),
        (c, "lost", day(2026, 10, 3)),
        (c, "lost", day(2026, 10, 28)),
    ]:
        extra = {"lost_reason": "price"} if status == "lost" else {}
        deal(manager, 100_000, stage=5, status=status, closed_on=closed_on, **extra)


def _plans(d: Department) -> None:
    plan("company", None, q4(2_800_000, 2_400_000, 3_000_000, (6, 4, 6)))
    q3 = {day(2026, 7, 1): (1_000_000, 2), day(2026, 8, 1): (1_500_000, 2), day(2026, 9, 1): (1_500_000, 2)}
    plan("company", None, q3)
    plan("company", None, q4(600_000, 800_000, 600_000), line="kasko")
    plan("company", None, q4(2_000_000, 0, 0), line="property")
    plan("region", d.centre, q4(2_000_000, 2_000_000, 2_000_000, (3, 3, 3)))
    plan("team", d.team_a, q4(1_500_000, 1_000_000, 1_500_000))
    plan("team", d.team_c, q4(0, 0, 0))
    plan("manager", d.manager_a, q4(1_000_000, 1_200_000, 1_000_000))
    plan("manager", d.manager_a2, q4(500_000, 250_000, 500_000))
    plan("manager", d.manager_b, q4(600_000, 800_000, 700_000))


@pytest.fixture
def org(region, team_a, team_b, senior_a, senior_b, manager_a, manager_a2, manager_b, head) -> Department:
    siberia = RegionFactory(name="Сибирь", code="SIB")
    team_c = TeamFactory(name="Команда В", region=siberia)
    manager_c = UserFactory(username="manager_c", role=Role.MANAGER, team=team_c, last_name="Васильев")
    return Department(
        region, siberia, team_a, team_b, team_c, manager_a, manager_a2, manager_b, manager_c, senior_a, senior_b, head
    )


@pytest.fixture
def sales(org) -> Department:
    """The department with its contracts, deals and plans (see the module docstring)."""
    _contracts(org)
    _deals(org)
    _plans(org)
    return org


def grow(index: int) -> None:
    """Another region with a team, two managers, their contracts, deals and plans (for query-count tests)."""
    region = RegionFactory(name=f"Регион {index}", code=f"X{index}")
    team = TeamFactory(name=f"Команда {index}", region=region)
    plan("region", region, q4(100, 100, 100))
    plan("team", team, q4(100, 100, 100))
    for number in range(2):
        manager = UserFactory(role=Role.MANAGER, team=team)
        plan("manager", manager, q4(100, 100, 100))
        for line, on in [("kasko", day(2026, 10, 2)), ("cyber", day(2026, 7, 3)), ("property", day(2025, 10, 4))]:
            contract(manager, line, "small", on, 1000 + number)
        deal(manager, 5000, stage=2, expected_close_on=day(2026, 12, 5))
        deal(manager, 5000, stage=3, status="won", closed_on=day(2026, 10, 9))
