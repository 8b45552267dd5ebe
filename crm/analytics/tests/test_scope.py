"""Who sees what, the drill-down to a manager's deals, and constant query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.analytics.queries import dashboard, hot_spots, manager_deals, weighted_forecast
from crm.analytics.results import DealTally, Fact
from crm.analytics.tests.conftest import Q4, TODAY, day, grow
from crm.org.models import User

D = Decimal
DASHBOARD_QUERIES = 12  # + which months the roll-ups cover
HOT_SPOT_QUERIES = 8


def test_a_senior_manager_sees_their_team_as_the_root(sales):
    result = dashboard(sales.senior_a, Q4, TODAY)
    tree = result.tree
    assert (tree.key, tree.level, tree.name) == (f"team:{sales.team_a.pk}", "team", "Команда А")
    assert [child.key for child in tree.children] == [
        f"manager:{sales.manager_a.pk}",
        f"manager:{sales.manager_a2.pk}",
        f"manager:{sales.senior_a.pk}",
    ]
    assert (result.kpis.amount.fact, result.kpis.amount.plan, result.kpis.amount.deviation) == (
        D(2_500_000),
        D(4_000_000),
        D("0.25"),
    )
    # Team А has no plans per line: its cut shows facts only.
    assert [(row.name, row.amount.fact, row.amount.plan) for row in result.by_product_line] == [
        ("Имущество", D(1_500_000), None),
        ("КАСКО", D(1_000_000), None),
    ]
    assert (result.forecast.weighted_amount, result.forecast.overdue) == (D(630_000), DealTally(1, D(400_000)))
    assert result.dynamics.previous.comparable_fact == Fact(D(600_000), 1)


def test_a_manager_sees_only_themselves(sales):
    result = dashboard(sales.manager_b, Q4, TODAY)
    assert (result.tree.key, result.tree.children) == (f"manager:{sales.manager_b.pk}", [])
    assert (result.kpis.amount.fact, result.kpis.amount.plan_to_date, result.kpis.amount.flag) == (
        D(1_100_000),
        D(1_000_000),
        None,
    )
    assert result.forecast.undated == DealTally(1, D(600_000))
    assert [row.name for row in result.by_product_line] == ["Киберриски"]
    forecast = weighted_forecast(sales.manager_b, Q4, TODAY)
    assert (forecast.fact_amount, forecast.forecast_amount) == (D(1_100_000), D(1_100_000))


def test_other_departments_see_no_sales(sales, underwriter):
    result = dashboard(underwriter, Q4, TODAY)
    assert (result.kpis.amount.fact, result.forecast.by_stage, result.forecast.undated) == (D(0), [], DealTally())


def test_manager_deals_lists_contracts_in_the_period_and_open_deals(sales):
    result = manager_deals(sales.head, sales.manager_a.pk, Q4, TODAY)
    assert (result.manager_name, result.fact) == ("Алексеев И.", Fact(D(2_000_000), 3))
    assert [(row.concluded_on, row.written_premium_amount) for row in result.contracts] == [
        (day(2026, 10, 5), D(1_000_000)),
        (day(2026, 10, 20), D(800_000)),
        (day(2026, 11, 3), D(200_000)),
    ]
    deals = [(row.amount, row.probability, row.weighted_amount, row.is_overdue) for row in result.open_deals]
    assert deals == [(D(400_000), D("0.25"), D(100_000), True), (D(1_000_000), D("0.45"), D(450_000), False)]


def test_manager_deals_outside_the_scope_are_not_found(sales):
    assert manager_deals(sales.senior_a, sales.manager_a2.pk, Q4, TODAY).fact == Fact(D(500_000), 1)
    with pytest.raises(User.DoesNotExist):
        manager_deals(sales.senior_a, sales.manager_b.pk, Q4, TODAY)
    with pytest.raises(User.DoesNotExist):
        manager_deals(sales.manager_a, sales.manager_a2.pk, Q4, TODAY)
    with pytest.raises(User.DoesNotExist):
        manager_deals(sales.head, 987654, Q4, TODAY)


def _count(function, *args):
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured)


@pytest.mark.parametrize("viewer", ["head", "senior_a", "manager_a"])
def test_dashboard_queries_do_not_grow_with_the_data(sales, viewer, django_assert_max_num_queries):
    user = getattr(sales, viewer)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        dashboard(user, Q4, TODAY)
    once = _count(dashboard, user, Q4, TODAY)
    grow(1)
    grow(2)  # three times the regions, twice the people and more than twice the rows
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        dashboard(user, Q4, TODAY)
    assert _count(dashboard, user, Q4, TODAY) == once


def test_hot_spot_queries_do_not_grow_with_the_data(sales, django_assert_max_num_queries):
    with django_assert_max_num_queries(HOT_SPOT_QUERIES):
        hot_spots(sales.head, TODAY, Q4)
    grow(1)
    grow(2)
    with django_assert_max_num_queries(HOT_SPOT_QUERIES):
        hot_spots(sales.head, TODAY, Q4)


def test_a_senior_leading_two_teams_gets_a_root_without_plan(sales):
    sales.team_b.lead = sales.senior_a
    sales.team_b.save()
    tree = dashboard(sales.senior_a, Q4, TODAY).tree
    assert (tree.key, tree.level, tree.name, tree.amount.plan) == ("scope", "scope", "Мои команды", None)
    assert [child.key for child in tree.children] == [f"team:{sales.team_a.pk}", f"team:{sales.team_b.pk}"]
    assert tree.amount.fact == D(3_600_000)


def test_people_without_a_team_hang_under_the_root_and_leavers_keep_their_sales(sales):
    sales.manager_c.team = None
    sales.manager_c.is_active = False
    sales.manager_c.save()
    sales.senior_b.is_active = False  # left, sold nothing: not shown
    sales.senior_b.save()
    tree = dashboard(sales.head, Q4, TODAY).tree
    assert [child.key for child in tree.children][-1] == f"manager:{sales.manager_c.pk}"
    assert tree.find(f"manager:{sales.senior_b.pk}") is None
    assert (tree.amount.fact, sum((child.amount.fact for child in tree.children), D(0))) == (D(4_100_000),) * 2
