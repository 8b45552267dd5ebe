"""The dashboard on the hand-built department (conftest): every figure computed by hand."""

from decimal import Decimal

from crm.analytics.queries import dashboard, sales_fact_by
from crm.analytics.results import DealTally, Fact, StageForecast
from crm.analytics.sales import Change, PlanFigures
from crm.analytics.tests.conftest import Q4, TODAY, day
from crm.core.periods import Period
from crm.pipeline.models import Stage

D = Decimal


def node_figures(tree, key):
    node = tree.find(key)
    amount = node.amount
    return (amount.fact, amount.plan, amount.plan_to_date, amount.deviation, amount.flag)


def test_sales_fact_by_manager_counts_sold_contracts_concluded_in_the_period(sales):
    facts = sales_fact_by(sales.head, Q4, "manager")
    assert facts == {
        sales.manager_a.pk: Fact(D(2_000_000), 3),
        sales.manager_a2.pk: Fact(D(500_000), 1),
        sales.manager_b.pk: Fact(D(1_100_000), 1),  # the cancelled contract does not count
        sales.manager_c.pk: Fact(D(500_000), 2),  # the terminated one does
    }


def test_sales_fact_by_month_line_and_segment(sales):
    assert sales_fact_by(sales.head, Q4, "month") == {
        day(2026, 10, 1): Fact(D(3_000_000), 4),
        day(2026, 11, 1): Fact(D(1_100_000), 3),
    }
    by_segment = sales_fact_by(sales.head, Q4, "segment")
    assert by_segment == {
        "micro": Fact(D(300_000), 2),
        "small": Fact(D(1_800_000), 2),
        "medium": Fact(D(900_000), 2),
        "large": Fact(D(1_100_000), 1),
    }
    assert sales_fact_by(sales.head, Period.month(2026, 12), "product_line") == {}


def test_company_kpis(sales):
    kpis = dashboard(sales.head, Q4, TODAY).kpis
    assert kpis.amount == PlanFigures(
        fact=D(4_100_000),
        plan=D(8_200_000),
        plan_to_date=D(4_000_000),  # October + 15/30 of November
        attainment=D("0.5"),
        attainment_to_date=D("1.025"),
        deviation=D("0.025"),
        run_rate=D(8_200_000),  # × 92 / 46 days
        flag=None,
    )
    assert (kpis.count.fact, kpis.count.plan, kpis.count.plan_to_date) == (D(7), D(16), D(8))
    assert (kpis.count.deviation, kpis.count.flag) == (D("-0.125"), "below")
    assert kpis.average_premium == D(4_100_000) / 7


def test_every_node_of_the_hierarchy(sales):
    tree = dashboard(sales.head, Q4, TODAY).tree
    s = sales
    assert node_figures(tree, "company") == (D(4_100_000), D(8_200_000), D(4_000_000), D("0.025"), None)
    assert node_figures(tree, f"region:{s.centre.pk}") == (D(3_600_000), D(6_000_000), D(3_000_000), D("0.2"), "above")
    assert node_figures(tree, f"region:{s.siberia.pk}") == (D(500_000), None, None, None, None)
    assert node_figures(tree, f"team:{s.team_a.pk}") == (D(2_500_000), D(4_000_000), D(2_000_000), D("0.25"), "above")
    # Team Б has no plan of its own although its manager has one: never derived from its parts.
    assert node_figures(tree, f"team:{s.team_b.pk}") == (D(1_100_000), None, None, None, None)
    # Team В has a plan of zero: a real plan, but attainment and deviation are undefined.
    team_c = tree.find(f"team:{s.team_c.pk}")
    assert (team_c.amount.plan, team_c.amount.plan_to_date, team_c.amount.attainment, team_c.flag) == (0, 0, None, None)
    m = s.manager_a.pk
    assert node_figures(tree, f"manager:{m}") == (D(2_000_000), D(3_200_000), D(1_600_000), D("0.25"), "above")
    a2 = f"manager:{s.manager_a2.pk}"
    assert node_figures(tree, a2) == (D(500_000), D(1_250_000), D(625_000), D("-0.2"), "below")
    # Exactly 10 % above plan to date: not flagged.
    b = f"manager:{s.manager_b.pk}"
    assert node_figures(tree, b) == (D(1_100_000), D(2_100_000), D(1_000_000), D("0.1"), None)
    assert node_figures(tree, f"manager:{s.manager_c.pk}") == (D(500_000), None, None, None, None)
    assert node_figures(tree, f"manager:{s.senior_a.pk}") == (D(0), None, None, None, None)


def test_tree_shape_and_order(sales):
    tree = dashboard(sales.head, Q4, TODAY).tree
    assert [region.name for region in tree.children] == ["Сибирь", "Центр"]
    centre = tree.children[1]
    assert [team.name for team in centre.children] == ["Команда А", "Команда Б"]
    assert [person.name for person in centre.children[0].children] == ["Алексеев И.", "Андреев И.", "Старшова И."]
    assert sum((child.amount.fact for child in tree.children), D(0)) == tree.amount.fact
    flagged = [node.key for node in dashboard(sales.head, Q4, TODAY).flagged_nodes()]
    assert flagged == [
        f"region:{sales.centre.pk}",
        f"team:{sales.team_a.pk}",
        f"manager:{sales.manager_a.pk}",
        f"manager:{sales.manager_a2.pk}",
    ]


def test_weighted_forecast_uses_the_deals_own_probability_else_the_stage_default(sales):
    result = dashboard(sales.head, Q4, TODAY)
    forecast = result.forecast
    stage_3, stage_5 = Stage.objects.get(position=3), Stage.objects.get(position=5)
    assert forecast.window == Period(TODAY, Q4.last)
    # 1 000 000 × 0.45 (stage default) + 200 000 × 0.9 (own, expected today); 500 000 × 0 (own zero is zero).
    assert forecast.by_stage == [
        StageForecast(stage_3.pk, stage_3.name, 2, D(1_200_000), D(630_000)),
        StageForecast(stage_5.pk, stage_5.name, 1, D(500_000), D(0)),
    ]
    assert (forecast.fact_amount, forecast.weighted_amount, forecast.forecast_amount) == (
        D(4_100_000),
        D(630_000),
        D(4_730_000),
    )
    assert forecast.overdue == DealTally(2, D(1_200_000))  # expected 14.11 and 01.10
    assert forecast.undated == DealTally(1, D(600_000))
    assert result.forecast_gap_amount == D(-3_470_000)


def test_forecast_of_a_past_period_is_its_fact_and_of_a_future_one_its_pipeline(sales):
    past = dashboard(sales.head, Period.quarter(2026, 3), TODAY).forecast
    assert (past.window, past.by_stage, past.forecast_amount) == (None, [], D(2_125_000))
    # Overdue and undated are as of today, whatever the period: the same deals as in the current quarter.
    assert (past.overdue, past.undated) == (DealTally(2, D(1_200_000)), DealTally(1, D(600_000)))
    future = dashboard(sales.head, Period.quarter(2027, 1), TODAY).forecast
    assert future.window == Period.quarter(2027, 1)
    assert (future.fact_amount, future.weighted_amount) == (D(0), D(30_000))  # 300 000 × 0.10 on 10.01.2027


def test_dynamics_compare_like_for_like(sales):
    dynamics = dashboard(sales.head, Q4, TODAY).dynamics
    previous = dynamics.previous
    assert previous.kpis.period == Period.quarter(2026, 3)
    assert (previous.kpis.amount.fact, previous.kpis.amount.plan, previous.kpis.amount.attainment) == (
        D(2_125_000),
        D(4_000_000),
        D("0.53125"),
    )
    assert previous.comparable == Period(day(2026, 7, 1), day(2026, 8, 15))
    assert previous.comparable_fact == Fact(D(1_025_000), 2)
    assert previous.amount_change == Change(D(3_075_000), D(3))
    assert previous.count_change == Change(D(5), D("2.5"))
    expected_attainment = D(1_025_000) / (D(1_000_000) + D(1_500_000) * 15 / 31)
    assert previous.comparable_attainment == expected_attainment
    assert previous.attainment_change == Change(D("1.025") - expected_attainment, D("1.025") / expected_attainment - 1)
    last_year = dynamics.last_year
    assert (last_year.kpis.amount.fact, last_year.kpis.amount.plan) == (D(3_000_000), None)
    assert last_year.comparable_fact == Fact(D(1_000_000), 1)
    assert (last_year.amount_change, last_year.count_change) == (Change(D(3_100_000), D("3.1")), Change(D(6), D(6)))
    assert last_year.attainment_change == Change(None, None)


def test_monthly_trend_with_last_year(sales):
    trend = dashboard(sales.head, Q4, TODAY).trend
    rows = [
        (p.month, p.fact, p.plan_amount, p.last_year_month, p.last_year_fact, p.last_year_plan_amount) for p in trend
    ]
    assert rows == [
        (day(2026, 10, 1), Fact(D(3_000_000), 4), D(2_800_000), day(2025, 10, 1), Fact(D(1_000_000), 1), None),
        (day(2026, 11, 1), Fact(D(1_100_000), 3), D(2_400_000), day(2025, 11, 1), Fact(), None),
        (day(2026, 12, 1), Fact(), D(3_000_000), day(2025, 12, 1), Fact(D(2_000_000), 1), None),
    ]
    assert [p.plan_count for p in trend] == [D(6), D(4), D(6)]


def test_cuts_by_product_line_and_segment(sales):
    result = dashboard(sales.head, Q4, TODAY)
    lines = {row.name: row for row in result.by_product_line}
    assert list(lines) == ["Имущество", "КАСКО", "Киберриски"]
    prop, kasko, cyber = lines.values()
    assert (prop.amount.fact, prop.amount.plan, prop.amount.plan_to_date) == (D(1_600_000), D(2_000_000), D(2_000_000))
    assert (prop.amount.deviation, prop.amount.flag) == (D("-0.2"), "below")
    assert (prop.previous, prop.last_year) == (Fact(D(600_000), 1), Fact(D(1_000_000), 1))
    assert prop.change_vs_last_year == Change(D(600_000), D("0.6"))
    assert (kasko.amount.fact, kasko.amount.plan_to_date, kasko.amount.deviation) == (
        D(1_400_000),
        D(1_000_000),
        D("0.4"),
    )
    assert kasko.change_vs_last_year == Change(D(1_400_000), None)  # nothing a year earlier: undefined
    assert (cyber.amount.fact, cyber.amount.plan, cyber.amount.flag) == (D(1_100_000), None, None)
    segments = {row.key: (row.amount.fact, row.count.fact, row.amount.plan) for row in result.by_segment}
    assert segments == {
        "segment:micro": (D(300_000), D(2), None),
        "segment:small": (D(1_800_000), D(2), None),
        "segment:medium": (D(900_000), D(2), None),
        "segment:large": (D(1_100_000), D(1), None),
        "segment:key": (D(0), D(0), None),
    }


def test_drivers_against_the_comparable_part_of_the_previous_quarter(sales):
    tree = dashboard(sales.head, Q4, TODAY).tree
    a = tree.find(f"manager:{sales.manager_a.pk}").drivers
    assert a.comparison == Period(day(2026, 7, 1), day(2026, 8, 15))
    assert (a.deals_won, a.deals_won_previous, a.win_rate, a.win_rate_previous) == (3, 1, D("0.75"), D("0.5"))
    assert (a.contracts_count, a.contracts_count_previous) == (3, 1)
    assert (a.average_premium, a.average_premium_previous) == (D(2_000_000) / 3, D(600_000))
    assert (a.count_effect, a.premium_effect) == (D(1_200_000), D(200_000))
    c = tree.find(f"manager:{sales.manager_c.pk}").drivers
    assert (c.deals_won, c.win_rate, c.win_rate_previous) == (1, D(1) / 3, None)
    assert (c.count_effect, c.premium_effect) == (D(425_000), D(-350_000))
    company = tree.drivers
    assert (company.deals_won, company.win_rate, company.win_rate_previous) == (5, D("0.625"), D("0.5"))
    assert (company.count_effect, company.premium_effect) == (D(2_562_500), D(512_500))
    a2 = tree.find(f"manager:{sales.manager_a2.pk}").drivers
    assert (a2.contracts_count_previous, a2.count_effect, a2.premium_effect) == (0, None, None)


def test_a_period_with_no_sales_has_a_fact_of_zero(sales):
    result = dashboard(sales.head, Period.month(2026, 12), TODAY)
    assert (result.kpis.amount.fact, result.kpis.count.fact) == (D(0), D(0))
    assert (result.kpis.amount.plan, result.kpis.amount.plan_to_date, result.kpis.amount.run_rate) == (
        D(3_000_000),
        D(0),
        None,
    )
    assert result.kpis.amount.deviation is None
    assert result.dynamics.previous.comparable is None
