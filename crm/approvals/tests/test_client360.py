"""The client 360 of the decision card against hand-computed figures (docs/metrics.md, decision card)."""

import datetime
import itertools
from decimal import Decimal

import pytest

from crm.approvals.queries import client_loyalty, cross_sell_potential
from crm.approvals.queries.client360 import PeerLine
from crm.catalog.factories import ProductFactory
from crm.catalog.models import ProductLine
from crm.clients.factories import ClientFactory
from crm.clients.models import Industry
from crm.policies.models import Contract
from crm.service.models import Complaint, NpsResponse

TODAY = datetime.date(2026, 11, 26)
SMALL = Decimal("500000000")  # «малый» сегмент
LARGE = Decimal("5000000000")
_numbers = itertools.count(1)


@pytest.fixture
def products(db):
    return {
        code: ProductFactory(product_line=ProductLine.objects.get(code=code), name=f"Программа {code}")
        for code in ("property", "cargo", "kasko", "dms")
    }


def contract(client, product, starts: datetime.date, ends: datetime.date, status: str = "in_force", **fields):
    return Contract.objects.create(
        number=f"Д-{next(_numbers)}",
        client=client,
        product=product,
        manager=client.manager,
        concluded_on=fields.pop("concluded_on", starts),
        starts_on=starts,
        ends_on=ends,
        written_premium_amount=Decimal("100000"),
        status=status,
        **fields,
    )


def in_force(client, product):
    return contract(client, product, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def test_cross_sell_lines_held_by_peers_of_the_same_industry_and_segment(manager_a, products):
    logistics = Industry.objects.get(code="logistics")
    target = ClientFactory(manager=manager_a, industry=logistics, turnover_amount=SMALL, branch_count=10)
    in_force(target, products["property"])
    holdings = [
        ("cargo", "kasko", "property"),
        ("cargo", "kasko", "property"),
        ("cargo", "kasko", "dms"),
        ("cargo",),
        ("cargo",),
        ("cargo",),
    ]
    for lines in holdings:
        peer = ClientFactory(manager=manager_a, industry=logistics, turnover_amount=SMALL)
        for line in lines:
            in_force(peer, products[line])
    lapsed = ClientFactory(manager=manager_a, industry=logistics, turnover_amount=SMALL)  # no cover today: no peer
    contract(lapsed, products["kasko"], datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), status="expired")
    in_force(ClientFactory(manager=manager_a, industry=logistics, turnover_amount=LARGE), products["kasko"])

    result = cross_sell_potential(target)

    assert (result.peer_group, result.peers, result.held_lines, result.branch_count) == (
        "industry_segment",
        6,
        ["Имущество"],
        10,
    )
    assert result.missing_lines == [
        PeerLine("Грузы", 6, Decimal(1)),
        PeerLine("КАСКО", 3, Decimal("0.5")),
    ]  # ДМС: 1 of 6 (16,7 %) is below 30 %; property is held


def test_cross_sell_widens_to_the_industry_then_gives_up(manager_a, products):
    it = Industry.objects.get(code="it")
    target = ClientFactory(manager=manager_a, industry=it, turnover_amount=LARGE)
    for number in range(5):
        peer = ClientFactory(manager=manager_a, industry=it, turnover_amount=LARGE if number < 2 else SMALL)
        in_force(peer, products["dms"])
    widened = cross_sell_potential(target)
    assert (widened.peer_group, widened.peers, widened.missing_lines) == (
        "industry",
        5,
        [PeerLine("ДМС", 5, Decimal(1))],
    )
    nobody = cross_sell_potential(ClientFactory(manager=manager_a, industry=None))
    assert (nobody.peer_group, nobody.peers, nobody.missing_lines) == ("", 0, [])


def test_loyalty_years_renewals_nps_trend_and_complaints(manager_a, products):
    client = ClientFactory(manager=manager_a)
    p = products["property"]
    first = contract(client, p, datetime.date(2022, 3, 1), datetime.date(2023, 2, 28), status="expired")
    second = contract(
        client, p, datetime.date(2023, 3, 10), datetime.date(2024, 3, 9), status="expired", renewal_of=first
    )
    third = contract(  # concluded 53 days after the second expired: not renewed in time
        client, p, datetime.date(2024, 5, 1), datetime.date(2025, 4, 30), status="expired", renewal_of=second
    )
    fourth = contract(
        client,
        p,
        datetime.date(2025, 5, 1),
        datetime.date(2026, 4, 30),
        status="expired",
        renewal_of=third,
        concluded_on=datetime.date(2025, 4, 20),
    )
    contract(
        client, p, datetime.date(2026, 5, 1), datetime.date(2027, 4, 30), renewal_of=fourth,
        concluded_on=datetime.date(2026, 4, 25),
    )  # fmt: skip
    contract(  # terminated early: never expires naturally, excluded from renewals
        client, products["cargo"], datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), status="terminated",
        terminated_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    for day, score in [("2024-01-10", 10), ("2024-06-01", 9), ("2025-01-10", 9), ("2025-02-01", 7), ("2025-11-26", 3)]:
        NpsResponse.objects.create(client=client, score=score, responded_on=datetime.date.fromisoformat(day))
    NpsResponse.objects.create(client=client, score=2, responded_on=datetime.date(2026, 11, 1))
    for day, status in [("2026-01-10", "open"), ("2025-11-27", "resolved"), ("2025-06-01", "resolved")]:
        Complaint.objects.create(
            client=client, category="service", status=status, received_on=datetime.date.fromisoformat(day)
        )

    loyalty = client_loyalty(client, today=TODAY)

    # 1 731 days from 01.03.2022 to 26.11.2026 ÷ 365,25 = 4,739 → 4,7 years
    assert (loyalty.first_concluded_on, loyalty.years_with_us) == (datetime.date(2022, 3, 1), Decimal("4.7"))
    assert [(row.year, row.expiring, row.renewed) for row in loyalty.renewals] == [
        (2024, 1, 0),
        (2025, 1, 1),
        (2026, 1, 1),
    ]
    assert loyalty.renewal_rate == Decimal(2) / Decimal(3)
    assert [(window.responses, window.nps) for window in loyalty.nps_trend] == [
        (2, Decimal(100)),  # 27.11.2023–26.11.2024: 10, 9
        (3, Decimal(0)),  # 27.11.2024–26.11.2025: 9, 7, 3 → 1 promoter, 1 detractor
        (1, Decimal(-100)),  # 27.11.2025–26.11.2026: 2
    ]
    assert (loyalty.complaints_last_year, loyalty.complaints_total, loyalty.complaints_open) == (2, 3, 1)


def test_a_client_without_history_has_undefined_figures(manager_a):
    loyalty = client_loyalty(ClientFactory(manager=manager_a), today=TODAY)
    assert (loyalty.years_with_us, loyalty.renewal_rate, [w.nps for w in loyalty.nps_trend]) == (
        None,
        None,
        [None, None, None],
    )
