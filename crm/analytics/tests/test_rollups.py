"""Monthly roll-ups (docs/decisions/0005-analytics-rollups.md) on the hand-built department (conftest).

Every widget read from the roll-ups equals the same widget computed on demand (`CRM_ANALYTICS_ROLLUPS =
False`), for each viewer and kind of period, also after changes the roll-ups have not caught up with yet;
the triggers mark exactly the months a change touches; a refresh recomputes exactly those, resumes after a
crash, and gives the same rows when run twice.
"""

import dataclasses
import datetime
import io
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.analytics.models import (
    DealRollup,
    FillStatus,
    RollupDirtyDay,
    RollupFillState,
    RollupMonth,
    RollupStat,
    SalesDayRollup,
    SalesRollup,
)
from crm.analytics.queries import dashboard, deal_outcomes_by_manager, hot_spots, sales_facts_by
from crm.analytics.queries.inputs import manager_windows
from crm.analytics.queries.sources import Covered, Split, load_coverage, split
from crm.analytics.rollups import drop_triggers, install_triggers, months_to_refresh, refresh_rollups
from crm.analytics.rollups import refresh as refresh_module
from crm.analytics.rollups.refresh import RefreshBusy
from crm.analytics.sales import comparison_windows
from crm.analytics.tasks import refresh_rollups_task
from crm.analytics.tests.conftest import Q4, TODAY, TURNOVER, contract, day, deal, grow, product
from crm.catalog.models import ProductLine
from crm.clients.models import Industry
from crm.core.periods import Period
from crm.pipeline.models import Deal, Stage
from crm.policies.models import Contract

D = Decimal
SALES, DEALS = RollupStat.SALES.value, RollupStat.DEALS.value
PERIODS = {
    "quarter running": Q4,
    "month over": Period.month(2026, 10),
    "quarter over": Period.quarter(2026, 3),
    "year running": Period.year(2026),
    "custom range": Period(day(2026, 7, 15), day(2026, 11, 10)),
    "month running": Period.month(2026, 11),
}
ALL_PERIODS = tuple(PERIODS.values())
PERSONAS = ("head", "senior_a", "senior_b", "manager_a", "manager_c")
DIMENSIONS = ("manager", "month", "product_line", "segment", "industry_line")
FIXTURE_DAYS = {
    *((SALES, day(2026, 10, d)) for d in (5, 15, 16, 20, 25)),
    *((SALES, day(2026, 11, d)) for d in (3, 10, 12)),
    *((SALES, on) for on in (day(2026, 7, 1), day(2026, 7, 10), day(2026, 8, 20), day(2026, 9, 5))),
    *((SALES, on) for on in (day(2025, 10, 20), day(2025, 12, 10), day(2026, 1, 15))),
    *((DEALS, day(2026, 10, d)) for d in (3, 5, 15, 20, 28)),
    *((DEALS, day(2026, 11, d)) for d in (1, 3, 12)),
    *((DEALS, on) for on in (day(2026, 7, 10), day(2026, 7, 20), day(2026, 8, 20))),
}
"""Every day of the conftest's contracts (the one cancelled from inception too) and closed deals."""
FILLED_RANGE = 15
"""Months from the first month with data (10.2025) to December of the current year (12.2026)."""


def widgets(viewer, period: Period, today: datetime.date = TODAY) -> dict[str, Any]:
    """Every widget of the page, and the inputs of the hot spots, for one viewer and period."""
    windows = comparison_windows(period, today)
    named = manager_windows(windows) | ({"elapsed": windows.elapsed} if windows.elapsed else {})
    return {
        "dashboard": dashboard(viewer, period, today),
        "hot_spots": hot_spots(viewer, today, period),
        "facts": {dimension: sales_facts_by(viewer, named, dimension) for dimension in DIMENSIONS},
        "outcomes": deal_outcomes_by_manager(viewer, named),
    }


def on_demand(settings, viewer, period: Period) -> dict[str, Any]:
    settings.CRM_ANALYTICS_ROLLUPS = False
    try:
        return widgets(viewer, period)
    finally:
        settings.CRM_ANALYTICS_ROLLUPS = True


def assert_same_as_on_demand(settings, department, periods=ALL_PERIODS) -> None:
    for period in periods:
        for persona in PERSONAS:
            viewer = getattr(department, persona)
            assert widgets(viewer, period) == on_demand(settings, viewer, period), (persona, period)


def dirty() -> set[tuple[str, datetime.date]]:
    """The days marked dirty, per stat."""
    return set(RollupDirtyDay.objects.values_list("stat", "day").distinct())


def rows() -> Counter[tuple[Any, ...]]:
    """The roll-up rows as a multiset (a duplicate row would show)."""
    sales = SalesRollup.objects.values_list(
        "grain",
        "month",
        "manager_id",
        "product_line_id",
        "segment",
        "industry_id",
        "contracts_count",
        "written_premium_amount",
    )
    deals = DealRollup.objects.values_list("month", "manager_id", "won_count", "lost_count", "won_amount")
    return Counter([*sales, *deals])


def refreshed(report) -> set[tuple[str, datetime.date]]:
    return {(stat.stat, month) for stat in report.stats for month in stat.months}


# --- the figures -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("period", PERIODS.values(), ids=PERIODS.keys())
def test_every_widget_from_the_roll_ups_equals_the_on_demand_one(sales, settings, period):
    expected = {persona: on_demand(settings, getattr(sales, persona), period) for persona in PERSONAS}
    refresh_rollups(today=TODAY)
    assert load_coverage([period]).sales.months, "some months of the period are read from the roll-ups"
    for persona in PERSONAS:
        assert widgets(getattr(sales, persona), period) == expected[persona], persona


def test_the_hand_computed_figures_hold_when_read_from_the_roll_ups(sales):
    refresh_rollups(today=TODAY)
    result = dashboard(sales.head, Q4, TODAY)
    assert (result.kpis.amount.fact, result.kpis.count.fact) == (D(4_100_000), 7)
    assert [(point.month, point.fact.amount, point.last_year_fact.amount) for point in result.trend] == [
        (day(2026, 10, 1), D(3_000_000), D(1_000_000)),
        (day(2026, 11, 1), D(1_100_000), D(0)),
        (day(2026, 12, 1), D(0), D(2_000_000)),
    ]


@pytest.mark.parametrize("period", [Period.month(2026, 10), Q4], ids=["month over", "quarter running"])
def test_a_period_the_roll_ups_cover_reads_no_contract_and_no_closed_deal(sales, period):
    refresh_rollups(today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        dashboard(sales.head, period, TODAY)
        hot_spots(sales.head, TODAY, period)
    statements = [query["sql"] for query in queries.captured_queries]
    sql = "\n".join(statements)
    assert SalesRollup._meta.db_table in sql and DealRollup._meta.db_table in sql
    assert Contract._meta.db_table not in sql
    # The forecast of the open deals, always on demand: the only query of the deals.
    assert sum(Deal._meta.db_table in statement for statement in statements) == 1


def test_a_window_is_split_into_whole_months_clean_days_and_the_rest():
    filled = frozenset({day(2026, 10, 1), day(2026, 11, 1), day(2026, 12, 1)})
    running = split(Period(day(2026, 10, 1), day(2026, 11, 15)), Covered(filled))
    assert running == Split((day(2026, 10, 1),), (Period(day(2026, 11, 1), day(2026, 11, 15)),), ())
    gaps = split(Period(day(2026, 8, 10), day(2026, 12, 31)), Covered(frozenset({day(2026, 11, 1), day(2026, 8, 1)})))
    assert gaps == Split(
        (day(2026, 11, 1),),
        (Period(day(2026, 8, 10), day(2026, 8, 31)),),
        (Period(day(2026, 9, 1), day(2026, 10, 31)), Period(day(2026, 12, 1), day(2026, 12, 31))),
    )
    today_sold = split(Period(day(2026, 10, 1), day(2026, 12, 31)), Covered(filled, frozenset({day(2026, 11, 15)})))
    assert today_sold == Split(
        (day(2026, 10, 1), day(2026, 12, 1)),
        (Period(day(2026, 11, 1), day(2026, 11, 14)), Period(day(2026, 11, 16), day(2026, 11, 30))),
        (Period(day(2026, 11, 15), day(2026, 11, 15)),),
    )
    busy_month = Covered(filled, frozenset(day(2026, 11, d) for d in range(1, 13)))
    assert split(Q4, busy_month).ranges == (Period(day(2026, 11, 1), day(2026, 11, 30)),)


def test_a_dirty_day_is_read_from_the_contracts_and_the_rest_of_its_month_from_the_roll_ups(sales, settings):
    refresh_rollups(today=TODAY)
    october_days = SalesDayRollup.objects.filter(day__month=10, day__year=2026)
    kept = set(october_days.values_list("pk", flat=True))
    contract(sales.manager_a, "kasko", "small", day(2026, 10, 7), 300_000)
    coverage = load_coverage([Q4])
    assert coverage.sales.dirty == {day(2026, 10, 7)} and day(2026, 10, 1) in coverage.sales.months
    assert split(Q4, coverage.sales) == Split(
        (day(2026, 11, 1), day(2026, 12, 1)),
        (Period(day(2026, 10, 1), day(2026, 10, 6)), Period(day(2026, 10, 8), day(2026, 10, 31))),
        (Period(day(2026, 10, 7), day(2026, 10, 7)),),
    )
    assert_same_as_on_demand(settings, sales, [Q4])
    assert refreshed(refresh_rollups(today=TODAY)) == {(SALES, day(2026, 10, 1))}
    assert load_coverage([Q4]).sales.dirty == frozenset()
    # Only the dirty day's daily rows were recomputed; the month's monthly rows were derived again.
    assert kept < set(october_days.values_list("pk", flat=True))
    assert october_days.filter(day=day(2026, 10, 7)).values_list("contracts_count", "written_premium_amount")[0] == (
        1,
        D(300_000),
    )
    assert_same_as_on_demand(settings, sales, [Q4])


def test_other_departments_see_nothing_in_the_roll_ups(sales, underwriter):
    refresh_rollups(today=TODAY)
    assert sales_facts_by(underwriter, {"q4": Q4}, "manager") == {"q4": {}}
    assert deal_outcomes_by_manager(underwriter, {"q4": Q4}) == {"q4": {}}


# --- changes after a refresh ---------------------------------------------------------------------------------


def test_changes_dirty_exactly_their_months_and_the_figures_follow_them(sales, settings):
    refresh_rollups(today=TODAY)
    assert dirty() == set()
    cyber = Contract.objects.get(manager=sales.manager_b, concluded_on=day(2026, 10, 15))
    cyber.status = "cancelled"  # cancelled later, from inception
    cyber.save()
    moved = Contract.objects.get(manager=sales.manager_a, concluded_on=day(2026, 8, 20))
    moved.concluded_on = day(2026, 9, 2)  # moved to another month
    moved.save()
    reopened = Deal.objects.get(manager=sales.manager_c, status="won")
    reopened.status, reopened.closed_on = "open", None  # reopened
    reopened.save()
    Deal.objects.filter(manager=sales.manager_a, closed_on=day(2026, 7, 20)).update(closed_on=day(2026, 10, 30))
    Deal.objects.filter(manager=sales.manager_a, status="won", closed_on=day(2026, 10, 5)).update(amount=D(1))
    # Changes that do not touch a figure mark nothing.
    Contract.objects.filter(manager=sales.manager_c).update(special_terms="Франшиза 10 000 ₽")
    Contract.objects.filter(status="terminated").update(status="expired", terminated_on=None)
    Deal.objects.filter(status="open").update(stage=Stage.objects.get(position=2), title="Переименована")
    assert dirty() == {
        (SALES, day(2026, 10, 15)),
        (SALES, day(2026, 8, 20)),
        (SALES, day(2026, 9, 2)),
        (DEALS, day(2026, 11, 12)),
        (DEALS, day(2026, 7, 20)),
        (DEALS, day(2026, 10, 30)),
        (DEALS, day(2026, 10, 5)),
    }
    assert_same_as_on_demand(settings, sales)
    assert refreshed(refresh_rollups(today=TODAY)) == {
        (SALES, day(2026, 10, 1)),
        (SALES, day(2026, 8, 1)),
        (SALES, day(2026, 9, 1)),
        (DEALS, day(2026, 11, 1)),
        (DEALS, day(2026, 7, 1)),
        (DEALS, day(2026, 10, 1)),
    }
    assert dirty() == set()
    assert_same_as_on_demand(settings, sales)


def test_a_clients_segment_or_industry_and_a_products_line_dirty_every_month_they_sold_in(sales, settings):
    refresh_rollups(today=TODAY)
    client = Contract.objects.get(manager=sales.manager_a, concluded_on=day(2026, 10, 5)).client
    client.turnover_amount = D(TURNOVER["large"])  # small → large
    client.save()
    assert dirty() == {(SALES, day(2026, 10, 5))}
    other = Contract.objects.get(manager=sales.manager_c, concluded_on=day(2026, 7, 1)).client
    other.industry = Industry.objects.order_by("pk").first()
    other.save()
    cyber = product("cyber")
    cyber.product_line = ProductLine.objects.get(code="property")
    cyber.save()
    days = {day(2026, 10, 5), day(2026, 7, 1), day(2026, 10, 15), day(2025, 12, 10)}
    assert dirty() == {(SALES, on) for on in days}
    assert_same_as_on_demand(settings, sales, [Q4, Period.year(2026)])
    assert refreshed(refresh_rollups(today=TODAY)) == {(SALES, on.replace(day=1)) for on in days}
    assert_same_as_on_demand(settings, sales, [Q4, Period.year(2026)])


def test_a_manager_moved_to_another_team_takes_their_history_without_a_refresh(sales, settings):
    refresh_rollups(today=TODAY)
    sales.manager_a2.team = sales.team_b
    sales.manager_a2.save()
    assert dirty() == set()
    assert_same_as_on_demand(settings, sales, [Q4])
    team_b = dashboard(sales.senior_b, Q4, TODAY)
    assert team_b.kpis.amount.fact == D(1_600_000)  # manager_b 1 100 000 + manager_a2 500 000


# --- the triggers ----------------------------------------------------------------------------------------------


def test_triggers_mark_the_months_of_inserted_changed_and_deleted_rows(sales):
    assert dirty() == FIXTURE_DAYS
    refresh_rollups(today=TODAY)
    march = contract(sales.manager_a, "kasko", "small", day(2026, 3, 3), 100)
    assert dirty() == {(SALES, day(2026, 3, 3))}
    refresh_rollups(today=TODAY)
    march.delete()
    assert dirty() == {(SALES, day(2026, 3, 3))}
    refresh_rollups(today=TODAY)
    open_deal = deal(sales.manager_a, 1_000, stage=1, expected_close_on=day(2026, 12, 1))
    open_deal.stage = Stage.objects.get(position=3)
    open_deal.save()
    assert dirty() == set()
    deal(sales.manager_b, 1_000, stage=5, status="lost", closed_on=day(2026, 2, 2), lost_reason="price")
    assert dirty() == {(DEALS, day(2026, 2, 2))}


def test_lost_triggers_are_reinstalled_and_every_month_is_recomputed(sales, settings):
    refresh_rollups(today=TODAY)
    drop_triggers()
    contract(sales.manager_a, "kasko", "small", day(2026, 10, 7), 300_000)  # written while unwatched
    assert dirty() == set()
    assert install_triggers() is True
    assert not RollupMonth.objects.exists()
    assert_same_as_on_demand(settings, sales, [Q4])
    report = refresh_rollups(today=TODAY)
    assert [len(stat.months) for stat in report.stats] == [FILLED_RANGE, 6]  # deals: 07.2026–12.2026
    assert install_triggers() is False
    assert_same_as_on_demand(settings, sales, [Q4])


# --- refresh: incremental, resumable, idempotent ----------------------------------------------------------------


def test_the_first_refresh_fills_every_month_from_the_first_sale_to_december(sales):
    report = refresh_rollups(today=TODAY)
    sales_report, deals_report = report.stats
    assert (len(sales_report.months), sales_report.months[0], sales_report.months[-1]) == (
        FILLED_RANGE,
        day(2025, 10, 1),
        day(2026, 12, 1),
    )
    assert (len(deals_report.months), deals_report.months[0]) == (6, day(2026, 7, 1))
    october = SalesRollup.objects.filter(grain="manager", month=day(2026, 10, 1))
    assert sorted(october.values_list("manager__username", "contracts_count", "written_premium_amount")) == [
        ("manager_a", 2, D(1_800_000)),
        ("manager_b", 1, D(1_100_000)),  # the contract cancelled from inception is not a sale
        ("manager_c", 1, D(100_000)),  # the one terminated later is
    ]
    assert sorted(
        DealRollup.objects.filter(month=day(2026, 10, 1)).values_list(
            "manager__username", "won_count", "lost_count", "won_amount"
        )
    ) == [
        ("manager_a", 2, 0, D(200_000)),
        ("manager_b", 1, 0, D(100_000)),
        ("manager_c", 0, 2, D(0)),
    ]
    state = RollupFillState.objects.get(stat=SALES)
    assert (state.status, state.months_total, state.months_done, state.rebuild_from) == (
        FillStatus.DONE,
        FILLED_RANGE,
        FILLED_RANGE,
        None,
    )


def test_a_refresh_twice_gives_the_same_rows_and_a_rerun_with_nothing_dirty_writes_nothing(sales):
    refresh_rollups(today=TODAY)
    first = rows()
    assert refresh_rollups(full=True, today=TODAY).months == FILLED_RANGE + 6  # deals: 07.2026–12.2026
    assert rows() == first
    with CaptureQueriesContext(connection) as queries:
        report = refresh_rollups(today=TODAY)
    assert report.months == 0
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    assert len(statements) <= 14  # per stat: savepoint, state row, its lock, marks, source range, fills, release


def test_a_crashed_refresh_resumes_with_the_months_it_had_not_done(sales, monkeypatch):
    real = refresh_module.STATS[RollupStat.SALES]
    done: list[datetime.date] = []

    def crashing(using: str, month: datetime.date, days: list[datetime.date] | None) -> int:
        if len(done) == 2:
            raise RuntimeError("power cut")
        done.append(month)
        return real.fill(using, month, days)

    monkeypatch.setitem(refresh_module.STATS, RollupStat.SALES, dataclasses.replace(real, fill=crashing))
    with pytest.raises(RuntimeError, match="power cut"):
        refresh_rollups(stats=[RollupStat.SALES], today=TODAY)
    state = RollupFillState.objects.get(stat=SALES)
    assert (state.status, state.months_total, state.months_done, state.last_month) == (
        FillStatus.STARTED,
        FILLED_RANGE,
        2,
        day(2025, 11, 1),
    )
    assert set(RollupMonth.objects.values_list("month", flat=True)) == {day(2025, 10, 1), day(2025, 11, 1)}
    assert not SalesRollup.objects.filter(month=day(2025, 12, 1)).exists()  # the month in progress rolled back
    assert (SALES, day(2025, 12, 10)) in dirty()
    remaining = months_to_refresh(RollupStat.SALES, TODAY)
    monkeypatch.setitem(refresh_module.STATS, RollupStat.SALES, real)
    report = refresh_rollups(stats=[RollupStat.SALES], today=TODAY).stats[0]
    assert (report.resumed, report.months) == (True, remaining)
    assert len(remaining) == FILLED_RANGE - 2 and day(2025, 10, 1) not in remaining
    resumed = rows()
    refresh_rollups(stats=[RollupStat.SALES], full=True, today=TODAY)
    assert rows() == resumed
    assert RollupFillState.objects.get(stat=SALES).status == FillStatus.DONE


def test_a_crash_in_an_incremental_run_keeps_the_old_rows_and_the_mark(sales, monkeypatch, settings):
    refresh_rollups(today=TODAY)
    before = rows()
    contract(sales.manager_a, "kasko", "small", day(2026, 10, 7), 300_000)

    def crashing(using: str, month: datetime.date, days: list[datetime.date] | None) -> int:
        raise RuntimeError("disk full")

    real = refresh_module.STATS[RollupStat.SALES]
    monkeypatch.setitem(refresh_module.STATS, RollupStat.SALES, dataclasses.replace(real, fill=crashing))
    with pytest.raises(RuntimeError):
        refresh_rollups(today=TODAY)
    assert rows() == before and dirty() == {(SALES, day(2026, 10, 7))}
    assert_same_as_on_demand(settings, sales, [Q4])


def test_a_crashed_full_rebuild_is_finished_by_the_next_run(sales, monkeypatch):
    refresh_rollups(today=TODAY)
    real = refresh_module.STATS[RollupStat.SALES]
    calls: list[datetime.date] = []

    def crashing(using: str, month: datetime.date, days: list[datetime.date] | None) -> int:
        if len(calls) == 3:
            raise RuntimeError("killed")
        calls.append(month)
        return real.fill(using, month, days)

    monkeypatch.setitem(refresh_module.STATS, RollupStat.SALES, dataclasses.replace(real, fill=crashing))
    with pytest.raises(RuntimeError):
        refresh_rollups(stats=[RollupStat.SALES], full=True, today=TODAY)
    assert RollupFillState.objects.get(stat=SALES).rebuild_from is not None
    monkeypatch.setitem(refresh_module.STATS, RollupStat.SALES, real)
    report = refresh_rollups(stats=[RollupStat.SALES], today=TODAY).stats[0]
    assert (report.resumed, report.full, len(report.months)) == (True, True, FILLED_RANGE - 3)
    assert set(report.months).isdisjoint(calls)
    assert refresh_rollups(stats=[RollupStat.SALES], today=TODAY).stats[0].months == []


def test_a_second_refresh_at_the_same_time_stops(sales, monkeypatch):
    def locked(stat, using):
        raise RefreshBusy(stat)

    monkeypatch.setattr(refresh_module, "_lock_state", locked)
    report = refresh_rollups(today=TODAY)
    assert [(stat.busy, stat.months) for stat in report.stats] == [(True, []), (True, [])]


def test_dashboard_queries_with_roll_ups_do_not_grow_with_the_data(sales, django_assert_max_num_queries):
    refresh_rollups(today=TODAY)
    with django_assert_max_num_queries(12):
        dashboard(sales.head, Q4, TODAY)
    with django_assert_max_num_queries(8):
        hot_spots(sales.head, TODAY, Q4)
    grow(1)
    grow(2)
    refresh_rollups(today=TODAY)
    with django_assert_max_num_queries(12):
        dashboard(sales.head, Q4, TODAY)
    with django_assert_max_num_queries(8):
        hot_spots(sales.head, TODAY, Q4)


# --- the command and the task -----------------------------------------------------------------------------------


def test_the_command_refreshes_what_changed_and_everything_with_full(sales):
    out = io.StringIO()
    call_command("refresh_rollups", "--today", "2026-11-15", stdout=out)
    assert "Продажи (договоры): пересчитано месяцев 15" in out.getvalue()
    assert "Закрытые сделки: пересчитано месяцев 6" in out.getvalue()
    out = io.StringIO()
    call_command("refresh_rollups", "--today", "2026-11-15", stdout=out)
    assert "пересчитано месяцев 0, строк 0" in out.getvalue()
    out = io.StringIO()
    call_command("refresh_rollups", "--full", "--stat", "deals", "--today", "2026-11-15", stdout=out)
    assert out.getvalue().startswith("Закрытые сделки: пересчитано месяцев 6")
    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        call_command("refresh_rollups", "--today", "15.11.2026")


def test_the_task_refreshes(sales):
    assert refresh_rollups_task.call() > 0
    assert refresh_rollups_task.call() == 0
