"""Plan reads: months sum to quarters and years; no rows, no plan."""

import datetime
from decimal import Decimal

from crm.catalog.models import ProductLine
from crm.core.periods import Period
from crm.planning.access import plan_targets_for
from crm.planning.queries import PlanAmount, plan_for, plan_grid


def test_plan_for_a_quarter_is_the_sum_of_its_months(manager_a, plan):
    plan("manager", manager_a, 2026, 1, "100.00", 1)
    plan("manager", manager_a, 2026, 2, "200.00", 2)
    plan("manager", manager_a, 2026, 3, "300.50", 3)
    plan("manager", manager_a, 2026, 4, "9999.00", 9)
    plan("manager", manager_a, 2025, 12, "9999.00", 9)
    key = f"manager:{manager_a.pk}"
    assert plan_for(key, Period.quarter(2026, 1)) == PlanAmount(Decimal("600.50"), Decimal(6))
    assert plan_for(key, Period.year(2026)) == PlanAmount(Decimal("10599.50"), Decimal(15))


def test_a_scope_without_plan_rows_has_no_plan(manager_a, manager_b, plan):
    plan("manager", manager_a, 2026, 1, "100.00", 1)
    assert plan_for(f"manager:{manager_b.pk}", Period.quarter(2026, 1)) is None
    assert plan_for(f"manager:{manager_a.pk}", Period.quarter(2026, 2)) is None
    assert plan_for("company", Period.quarter(2026, 1)) is None


def test_partial_months_count_pro_rata_by_days(plan):
    plan("company", None, 2026, 1, "3100.00", 31)
    plan("company", None, 2026, 2, "2800.00", 28)
    # 1 January – 14 February: all of January + 14/28 of February.
    result = plan_for("company", Period(datetime.date(2026, 1, 1), datetime.date(2026, 2, 14)))
    assert result == PlanAmount(Decimal("4500.00"), Decimal(45))


def test_plan_for_a_product_line_ignores_the_total_plan(plan):
    kasko = ProductLine.objects.get(code="kasko")
    plan("company", None, 2026, 1, "1000.00", 10)
    plan("company", None, 2026, 1, "70.00", 1, product_line=kasko)
    assert plan_for("company", Period.month(2026, 1), kasko) == PlanAmount(Decimal("70.00"), Decimal(1))
    assert plan_for("company", Period.month(2026, 1), kasko.pk) == PlanAmount(Decimal("70.00"), Decimal(1))
    assert plan_for("company", Period.month(2026, 1)) == PlanAmount(Decimal("1000.00"), Decimal(10))


def test_grid_rows_with_quarter_and_year_totals(head, team_a, team_b, plan):
    plan("team", team_a, 2026, 1, "100.00", 1)
    plan("team", team_a, 2026, 3, "50.25", 2)
    plan("team", team_a, 2026, 12, "10.00", 0)
    grid = plan_grid(2026, "team", None, plan_targets_for(head, "team"))
    assert [row.target.label for row in grid.rows] == ["Команда А (Центр)", "Команда Б (Центр)"]
    row_a, row_b = grid.rows
    assert [cell.amount for cell in row_a.months[:3]] == [Decimal("100.00"), None, Decimal("50.25")]
    assert row_a.quarters == [
        PlanAmount(Decimal("150.25"), Decimal(3)),
        None,
        None,
        PlanAmount(Decimal("10.00"), Decimal(0)),
    ]
    assert row_a.year == PlanAmount(Decimal("160.25"), Decimal(3))
    assert (row_b.quarters, row_b.year) == ([None, None, None, None], None)


def test_plan_targets_by_role(head, senior_a, manager_a, manager_a2, manager_b, marketing, team_a, region):
    assert [t.key for t in plan_targets_for(head, "company")] == ["company"]
    assert [t.key for t in plan_targets_for(head, "region")] == [f"region:{region.pk}"]
    assert {t.key for t in plan_targets_for(senior_a, "manager")} == {
        f"manager:{senior_a.pk}",
        f"manager:{manager_a.pk}",
        f"manager:{manager_a2.pk}",
    }
    assert [t.key for t in plan_targets_for(senior_a, "team")] == [f"team:{team_a.pk}"]
    assert plan_targets_for(senior_a, "company") == []
    assert plan_targets_for(manager_a, "manager") == []
    assert plan_targets_for(marketing, "team") == []
