"""The formulas of docs/metrics.md «Sales against plan», on hand-computed values (no database)."""

import datetime
from decimal import Decimal

import pytest

from crm.analytics.sales import (
    Change,
    PlanFigures,
    attainment,
    average_premium,
    comparable_window,
    compare,
    comparison_windows,
    decompose_change,
    deviation,
    elapsed_days,
    flag_for,
    is_flagged,
    period_kind,
    period_plan,
    plan_figures,
    plan_to_date,
    previous_period,
    relative_change,
    run_rate,
    same_period_last_year,
    win_rate,
)
from crm.core.periods import Period

D = Decimal
Q4 = Period.quarter(2026, 4)
Q4_PLAN = {
    datetime.date(2026, 10, 1): D(3100),
    datetime.date(2026, 11, 1): D(3000),
    datetime.date(2026, 12, 1): D(3100),
}


def day(year, month, day_):
    return datetime.date(year, month, day_)


def test_elapsed_days_count_today_and_stop_at_the_period_bounds():
    assert elapsed_days(Q4, day(2026, 9, 30)) == 0
    assert elapsed_days(Q4, day(2026, 10, 1)) == 1
    assert elapsed_days(Q4, day(2026, 11, 15)) == 46
    assert elapsed_days(Q4, day(2027, 3, 1)) == 92


def test_plan_to_date_is_elapsed_months_plus_the_current_month_pro_rata():
    # October in full + 15/30 of November.
    assert plan_to_date(Q4_PLAN, Q4, day(2026, 11, 15)) == D(4600)
    assert plan_to_date(Q4_PLAN, Q4, day(2026, 10, 1)) == D(100)


def test_plan_to_date_of_a_past_period_is_its_plan_and_of_a_future_one_zero():
    assert plan_to_date(Q4_PLAN, Q4, day(2027, 1, 10)) == D(9200) == period_plan(Q4_PLAN, Q4)
    assert plan_to_date(Q4_PLAN, Q4, day(2026, 9, 30)) == D(0)


def test_custom_range_counts_each_month_pro_rata_to_its_days_inside():
    monthly = {day(2026, 1, 1): D(3100), day(2026, 2, 1): D(2800)}
    custom = Period(day(2026, 1, 10), day(2026, 2, 14))
    # 22/31 of January + 14/28 of February.
    assert period_plan(monthly, custom) == D(2200) + D(1400)
    assert plan_to_date(monthly, custom, day(2026, 1, 20)) == D(1100)


def test_no_plan_rows_in_the_period_is_no_plan_and_a_zero_plan_is_a_plan():
    assert plan_to_date({}, Q4, day(2026, 11, 15)) is None
    assert period_plan({day(2026, 9, 1): D(500)}, Q4) is None
    assert period_plan({day(2026, 10, 1): D(0)}, Q4) == D(0)
    # Months without a row add nothing: the quarter's plan is October's alone.
    assert period_plan({day(2026, 10, 1): D(700)}, Q4) == D(700)


def test_attainment_is_undefined_without_a_plan_or_with_a_plan_of_zero():
    assert attainment(D(4100), D(8200)) == D("0.5")
    assert attainment(D(4100), None) is None
    assert attainment(D(4100), D(0)) is None
    assert attainment(D(0), D(100)) == D(0)


def test_deviation_is_fact_over_plan_to_date_minus_one():
    assert deviation(D(1100), D(1000)) == D("0.1")
    assert deviation(D(500), D(625)) == D("-0.2")
    assert deviation(D(500), D(0)) is None
    assert deviation(D(500), None) is None


def test_exactly_ten_percent_is_not_flagged_and_undefined_never_is():
    threshold = D("0.10")
    assert is_flagged(D("0.1"), threshold) is False
    assert is_flagged(D("-0.1"), threshold) is False
    assert is_flagged(D("0.1000001"), threshold) is True
    assert is_flagged(D("-0.11"), threshold) is True
    assert is_flagged(None, threshold) is False
    assert (flag_for(D("-0.2"), threshold), flag_for(D("0.25"), threshold)) == ("below", "above")
    assert (flag_for(D("0.1"), threshold), flag_for(None, threshold)) == (None, None)


def test_run_rate_projects_the_fact_over_the_whole_period():
    assert run_rate(D(4100), Q4, day(2026, 11, 15)) == D(8200)  # × 92 / 46
    assert run_rate(D(4100), Q4, day(2027, 2, 1)) == D(4100)
    assert run_rate(D(0), Q4, day(2026, 9, 30)) is None


def test_period_kinds():
    assert period_kind(Period.year(2026)) == "year"
    assert period_kind(Period.quarter(2026, 1)) == "quarter"
    assert period_kind(Period.month(2026, 2)) == "month"
    assert period_kind(Period(day(2026, 2, 1), day(2026, 3, 31))) == "custom"
    assert period_kind(Period(day(2026, 1, 2), day(2026, 1, 31))) == "custom"


def test_previous_period_of_equal_kind():
    assert previous_period(Period.quarter(2026, 1)) == Period.quarter(2025, 4)
    assert previous_period(Period.quarter(2026, 3)) == Period.quarter(2026, 2)
    assert previous_period(Period.month(2026, 1)) == Period.month(2025, 12)
    assert previous_period(Period.month(2026, 3)) == Period(day(2026, 2, 1), day(2026, 2, 28))
    assert previous_period(Period.year(2026)) == Period.year(2025)


def test_previous_custom_range_is_the_same_number_of_days_just_before():
    assert previous_period(Period(day(2026, 1, 5), day(2026, 1, 14))) == Period(day(2025, 12, 26), day(2026, 1, 4))
    two_months = Period(day(2026, 2, 1), day(2026, 3, 31))  # 59 days
    assert previous_period(two_months) == Period(day(2025, 12, 4), day(2026, 1, 31))


def test_same_period_last_year_maps_29_february_to_28_february():
    assert same_period_last_year(Period(day(2028, 2, 29), day(2028, 3, 5))) == Period(day(2027, 2, 28), day(2027, 3, 5))
    assert same_period_last_year(Period(day(2028, 2, 10), day(2028, 2, 29))) == Period(
        day(2027, 2, 10), day(2027, 2, 28)
    )
    # Whole months, quarters and years stay whole: February 2025 compares with all 29 days of February 2024.
    assert same_period_last_year(Period.month(2025, 2)) == Period(day(2024, 2, 1), day(2024, 2, 29))
    assert same_period_last_year(Period.month(2024, 2)) == Period.month(2023, 2)
    assert same_period_last_year(Q4) == Period.quarter(2025, 4)


def test_comparable_window_matches_the_elapsed_days():
    previous = Period.quarter(2026, 3)
    assert comparable_window(previous, Q4, day(2026, 11, 15)) == Period(day(2026, 7, 1), day(2026, 8, 15))
    assert comparable_window(previous, Q4, day(2026, 12, 31)) == previous
    assert comparable_window(previous, Q4, day(2026, 9, 30)) is None
    # 30 days of March against a 28-day February: clipped to February.
    february = Period.month(2026, 2)
    assert comparable_window(february, Period.month(2026, 3), day(2026, 3, 30)) == february


def test_comparison_windows_of_a_quarter_in_progress():
    windows = comparison_windows(Q4, day(2026, 11, 15))
    assert windows.elapsed == Period(day(2026, 10, 1), day(2026, 11, 15))
    assert (windows.previous, windows.last_year) == (Period.quarter(2026, 3), Period.quarter(2025, 4))
    assert windows.previous_comparable == Period(day(2026, 7, 1), day(2026, 8, 15))
    assert windows.last_year_comparable == Period(day(2025, 10, 1), day(2025, 11, 15))
    assert comparison_windows(Q4, day(2026, 1, 1)).elapsed is None


def test_relative_change_with_a_zero_base_is_undefined():
    assert relative_change(D(4100), D(1025)) == D(3)
    assert relative_change(D(5), D(0)) is None
    assert relative_change(None, D(5)) is None
    assert compare(D(4100), D(1000)) == Change(D(3100), D("3.1"))
    assert compare(D(7), D(0)) == Change(D(7), None)
    assert compare(None, D(1)) == Change(None, None)


def test_win_rate_and_average_premium():
    assert win_rate(3, 1) == D("0.75")
    assert win_rate(0, 0) is None
    assert win_rate(0, 2) == D(0)
    assert average_premium(D(2_000_000), 4) == D(500_000)
    assert average_premium(D(0), 0) is None


@pytest.mark.parametrize(
    ("args", "effects"),
    [
        ((D(2_000_000), 3, D(600_000), 1), (D(1_200_000), D(200_000))),
        ((D(500_000), 1, D(900_000), 3), (D(-600_000), D(200_000))),
        ((D(500_000), 1, D(0), 0), (None, None)),
    ],
)
def test_a_change_of_sales_splits_exactly_into_count_and_premium_effects(args, effects):
    assert decompose_change(*args) == effects


def test_plan_figures_of_a_node():
    figures = plan_figures(
        D(1100), {day(2026, 10, 1): D(600), day(2026, 11, 1): D(800)}, Q4, day(2026, 11, 15), D("0.1")
    )
    assert figures == PlanFigures(
        fact=D(1100),
        plan=D(1400),
        plan_to_date=D(1000),
        attainment=D(1100) / D(1400),
        attainment_to_date=D("1.1"),
        deviation=D("0.1"),
        run_rate=D(2200),
        flag=None,
    )
    assert plan_figures(D(5), None, Q4, day(2026, 11, 15), D("0.1")).plan is None
