"""Hot spots on a purpose-built department: significant trends are found, noise on small counts is not.

Q4 2026 is over (today 31.12.2026), so the windows are the whole of Q4 2026, Q3 2026 and Q4 2025 (92 days each).
"""

import datetime
from decimal import Decimal
from fractions import Fraction
from math import comb

import pytest

from crm.analytics.queries import hot_spots
from crm.analytics.results import Fact
from crm.analytics.tests.conftest import Q4, contract, day, deal
from crm.catalog.models import ProductLine
from crm.clients.models import Industry
from crm.core.periods import Period
from crm.policies.models import Contract

TODAY = day(2026, 12, 31)
WINDOWS = {"current": day(2026, 10, 1), "previous": day(2026, 7, 1), "last_year": day(2025, 10, 1)}


def sell(manager, line, segment, window, count, amount=100_000, industry=None):
    for index in range(count):
        sold = contract(manager, line, segment, WINDOWS[window] + datetime.timedelta(days=index), amount)
        if industry is not None:
            sold.client.industry = industry
            sold.client.save()


@pytest.fixture
def trends(org):
    """КАСКО (micro clients) 20 → 20 → 4: a fall. Cyber (large IT clients) 2 / 1 → 12: a rise.
    Property 7 / 7 → 0: dramatic but too few to tell. ДМС 10 / 10 → 7: not significant."""
    it = Industry.objects.get(code="it")
    for window, count in [("previous", 20), ("last_year", 20), ("current", 4)]:
        sell(org.manager_a, "kasko", "micro", window, count)
    for window, count in [("previous", 2), ("last_year", 1), ("current", 12)]:
        sell(org.manager_b, "cyber", "large", window, count, amount=200_000, industry=it)
    for window, count in [("previous", 7), ("last_year", 7)]:
        sell(org.manager_c, "property", "medium", window, count)
    for window, count in [("previous", 10), ("last_year", 10), ("current", 7)]:
        sell(org.manager_a2, "dms", "small", window, count)
    return org


def lower_tail(k, n):
    return float(Fraction(sum(comb(n, i) for i in range(k + 1)), 2**n))


def test_falling_sales_need_enough_contracts_and_significance(trends):
    result = hot_spots(trends.head, TODAY, Q4)
    assert (result.window, result.previous_window, result.last_year_window) == (
        Q4,
        Period.quarter(2026, 3),
        Period.quarter(2025, 4),
    )
    assert [(spot.kind, spot.key, spot.name) for spot in result.falling] == [
        ("product_line", f"product_line:{ProductLine.objects.get(code='kasko').pk}", "КАСКО"),
        ("segment", "segment:micro", "Микро"),
        (
            "industry_line",
            f"industry_line:none:{ProductLine.objects.get(code='kasko').pk}",
            "Отрасль не указана × КАСКО",
        ),
    ]
    kasko = result.falling[0]
    assert (kasko.current, kasko.previous, kasko.last_year) == (
        Fact(Decimal(400_000), 4),
        Fact(Decimal(2_000_000), 20),
        Fact(Decimal(2_000_000), 20),
    )
    # P(X ≤ 4), X ~ Bin(24, 1/2), against both windows; each kind also tests ДМС (p ≈ 0.31): BH over 2 doubles it.
    p_value = lower_tail(4, 24)
    assert kasko.p_value == pytest.approx(p_value, rel=1e-9)
    assert kasko.adjusted_p_value == pytest.approx(2 * p_value, rel=1e-9)
    assert kasko.reason == (
        "Договоров 4 против 20 в предыдущем периоде (−80\u00a0%) и 20 годом ранее (−80\u00a0%); "
        "премия 400\u00a0000\u00a0₽ против 2\u00a0000\u00a0000\u00a0₽ и 2\u00a0000\u00a0000\u00a0₽; p = 0,002"
    )
    names = {spot.name for spot in result.falling}
    assert "Имущество" not in names and "ДМС" not in names


def test_rising_sales(trends):
    rising = hot_spots(trends.head, TODAY, Q4).trend_rising
    assert [(spot.kind, spot.name) for spot in rising] == [
        ("industry_line", "Информационные технологии × Киберриски"),
        ("product_line", "Киберриски"),
        ("segment", "Крупный"),
    ]
    # Against Q3: P(X ≥ 12 | Bin(14, 1/2)) = 106/2^14; against Q4 2025: 14/2^13; the larger counts.
    assert [spot.adjusted_p_value for spot in rising] == pytest.approx([106 / 16384] * 3, rel=1e-9)
    assert rising[0].reason.startswith("Договоров 12 против 2 в предыдущем периоде (+500\u00a0%) и 1 годом ранее")


@pytest.fixture
def conversions(org):
    """Closed in Q4 2026: manager_c (Сибирь) 4 won of 20; manager_a 30 of 40; manager_b 3 of 5 (too few)."""
    for manager, won, lost in [(org.manager_c, 4, 16), (org.manager_a, 30, 10), (org.manager_b, 3, 2)]:
        for index in range(won + lost):
            outcome = {"status": "won"} if index < won else {"status": "lost", "lost_reason": "price"}
            deal(manager, 100_000, stage=5, closed_on=day(2026, 10, 1) + datetime.timedelta(days=index), **outcome)
    return org


def test_low_win_rate_regions_and_managers(conversions):
    spots = hot_spots(conversions.head, TODAY, Q4).low_win_rate
    assert [(spot.kind, spot.name) for spot in spots] == [("manager", "Васильев И."), ("region", "Сибирь")]
    manager = spots[0]
    assert (manager.won, manager.lost, manager.win_rate, manager.rest_win_rate) == (
        4,
        16,
        Decimal("0.2"),
        Decimal(33) / 45,
    )
    # Hypergeometric: 65 closed deals, 37 won, 20 of them manager_c's: P(X ≤ 4). Two managers and two regions
    # tested, the other of each at p ≈ 1: BH over 2 doubles it.
    p_value = float(Fraction(sum(comb(37, x) * comb(28, 20 - x) for x in range(5)), comb(65, 20)))
    assert manager.p_value == pytest.approx(p_value, rel=1e-9)
    assert manager.adjusted_p_value == pytest.approx(2 * p_value, rel=1e-9)
    assert manager.reason == "Конверсия 20\u00a0% против 73\u00a0% у остальных (закрытых сделок: 20), p < 0,001"


def test_nothing_to_say_before_the_period_starts_or_on_few_deals(conversions):
    assert hot_spots(conversions.head, day(2026, 9, 30), Q4).low_win_rate == []
    # A manager sees only themselves: nobody to compare with.
    assert hot_spots(conversions.manager_c, TODAY, Q4).low_win_rate == []
    assert Contract.objects.count() == 0
