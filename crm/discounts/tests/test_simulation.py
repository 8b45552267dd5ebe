"""The simulation of a rule on a hand-built set of deals: exact counts, premium and window boundaries."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crm.clients.models import Industry
from crm.core.periods import Period
from crm.discounts.models import RuleConditions
from crm.discounts.queries import rule_simulation, simulation_window
from crm.discounts.tests.conftest import client_with
from crm.pipeline.access import deals_visible_to
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Deal, DealStatus

MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = datetime.date(2026, 11, 26)
MAX = Decimal("0.15")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=MOSCOW)


def deal(customer, product, created_at, amount, requested=None, granted=None, **fields) -> Deal:
    return DealFactory(
        client=customer,
        product=product,
        created_at=created_at,
        amount=Decimal(amount),
        requested_discount_rate=Decimal(requested) if requested else None,
        granted_discount_rate=Decimal(granted) if granted else None,
        **fields,
    )


@pytest.fixture
def history(manager_a, manager_b, logistics, cargo, kasko):
    """Five deals the logistics rule would have hit (2 100 000 ₽, four clients) among ones it would not."""
    a, b, c, d = (client_with(manager_a, logistics, "100000000") for _ in range(4))
    d.turnover_amount = None
    d.save()
    deal(a, cargo, at(2026, 5, 10), 1_000_000, requested="0.20")  # counted: requested above
    deal(a, cargo, at(2026, 6, 1), 500_000, requested="0.10", granted="0.18")  # counted: granted above
    deal(b, cargo, at(2026, 6, 1), 700_000, requested="0.15", granted="0.15")  # at the maximum: not above
    won_long_ago = {"status": DealStatus.WON, "closed_on": datetime.date(2026, 1, 15)}
    deal(b, kasko, at(2024, 1, 10), 300_000, granted="0.25", **won_long_ago)  # counted: closed in the window
    lost_before = {"status": DealStatus.LOST, "closed_on": datetime.date(2025, 11, 26), "lost_reason": "price"}
    deal(b, cargo, at(2025, 3, 1), 800_000, requested="0.30", **lost_before)  # created and closed before
    deal(c, cargo, at(2025, 11, 26, 23, 59), 900_000, requested="0.30")  # a minute before the window
    deal(c, cargo, at(2025, 11, 27, 0, 0), 250_000, requested="0.30")  # the window's first minute: counted
    deal(d, kasko, at(2026, 2, 1), 50_000, requested="0.20")  # no turnover on the card: counted
    deal(client_with(manager_b, Industry.objects.get(code="it"), "1"), cargo, at(2026, 2, 1), 10_000, "0.5")
    deal(client_with(manager_b, logistics, "600000000"), cargo, at(2026, 2, 1), 20_000, "0.5")
    deal(client_with(manager_b, logistics, "1"), cargo, at(2026, 2, 1), 30_000)  # no discount
    return {"a": a, "c": c}


def test_window_is_the_last_twelve_months_ending_today():
    assert simulation_window(TODAY) == Period(datetime.date(2025, 11, 27), TODAY)
    assert simulation_window(datetime.date(2028, 2, 29)) == Period(
        datetime.date(2027, 3, 1), datetime.date(2028, 2, 29)
    )


def test_logistics_rule_would_have_hit_five_deals(head, history, logistics, django_assert_num_queries):
    conditions = RuleConditions(industry_ids=frozenset({logistics.pk}), turnover_to_amount=Decimal("500000000"))
    with django_assert_num_queries(1):
        result = rule_simulation(deals_visible_to(head), conditions, MAX, today=TODAY)
    assert (result.deals_count, result.premium_amount, result.clients_count) == (5, Decimal("2100000.00"), 4)
    assert result.period == Period(datetime.date(2025, 11, 27), TODAY)


def test_a_line_condition_narrows_the_simulation(head, history, logistics, cargo):
    conditions = RuleConditions(
        industry_ids=frozenset({logistics.pk}),
        turnover_to_amount=Decimal("500000000"),
        product_line_ids=frozenset({cargo.product_line_id}),
    )
    result = rule_simulation(deals_visible_to(head), conditions, MAX, today=TODAY)
    assert (result.deals_count, result.premium_amount, result.clients_count) == (3, Decimal("1750000.00"), 2)


def test_a_higher_maximum_hits_fewer_deals(head, history, logistics):
    conditions = RuleConditions(industry_ids=frozenset({logistics.pk}), turnover_to_amount=Decimal("500000000"))
    result = rule_simulation(deals_visible_to(head), conditions, Decimal("0.20"), today=TODAY)
    assert (result.deals_count, result.premium_amount, result.clients_count) == (2, Decimal("550000.00"), 2)


def test_nothing_to_hit_is_zero_not_undefined(head, logistics):
    conditions = RuleConditions(industry_ids=frozenset({logistics.pk}))
    result = rule_simulation(deals_visible_to(head), conditions, MAX, today=TODAY)
    assert (result.deals_count, result.premium_amount, result.clients_count) == (0, Decimal(0), 0)
