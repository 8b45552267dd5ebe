"""On the generator's scale-S data the roll-ups (refreshed by the generator) give the on-demand figures exactly.

Generated once for the module inside a transaction that is rolled back; hot spots are not empty here, so
their significance tests run on roll-up inputs too.
"""

import datetime

import pytest
from django.db import transaction

from crm.analytics.models import RollupDirtyDay, RollupMonth
from crm.analytics.queries import dashboard, hot_spots
from crm.analytics.rollups import refresh_rollups
from crm.core.periods import Period
from crm.core.roles import Role
from crm.demo.generator import SCALES, generate
from crm.org.models import User
from crm.pipeline.models import Deal
from crm.policies.models import Contract

TODAY = datetime.date(2026, 11, 26)
PERIODS = [Period.quarter(2026, 4), Period.year(2026), Period.month(2025, 6), Period(TODAY.replace(day=3), TODAY)]
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def viewers(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generate(scale=SCALES["S"], seed=42, today=TODAY, log=lambda _line: None)
        people = [
            User.objects.filter(role=role).order_by("pk").first()
            for role in (Role.HEAD_OF_SALES, Role.SENIOR_MANAGER, Role.MANAGER)
        ]
        yield people
        transaction.set_rollback(True)


def figures(viewer, period):
    return dashboard(viewer, period, TODAY), hot_spots(viewer, TODAY, period)


def on_demand(settings, viewer, period):
    settings.CRM_ANALYTICS_ROLLUPS = False
    try:
        return figures(viewer, period)
    finally:
        settings.CRM_ANALYTICS_ROLLUPS = True


def test_the_generator_leaves_the_roll_ups_fresh(viewers):
    assert not RollupDirtyDay.objects.exists()
    assert RollupMonth.objects.filter(month=TODAY.replace(day=1)).count() == 2


@pytest.mark.parametrize("period", PERIODS, ids=["quarter", "year", "past month", "custom"])
def test_the_page_from_the_roll_ups_equals_the_page_on_demand(viewers, settings, period):
    for viewer in viewers:
        board, spots = figures(viewer, period)
        assert (board, spots) == on_demand(settings, viewer, period), viewer.role


def test_the_hot_spots_tested_on_roll_up_inputs_are_the_planted_ones(viewers):
    spots = hot_spots(viewers[0], TODAY, Period.year(2026))
    assert "Сибирь" in [spot.name for spot in spots.low_win_rate if spot.kind == "region"]
    assert "Информационные технологии × Киберриски" in [trend.name for trend in spots.trend_rising]
    assert "Таксопарки × КАСКО" in [trend.name for trend in spots.falling]


def test_a_day_of_new_sales_is_refreshed_in_its_month_only(viewers, settings):
    contract = Contract.objects.sold().filter(concluded_on__lt=TODAY.replace(day=1)).order_by("-pk").first()
    contract.concluded_on = TODAY
    contract.save()
    deal = Deal.objects.filter(status="won").order_by("-pk").first()
    deal.closed_on = TODAY
    deal.save()
    assert {(stat, day) for stat, day in RollupDirtyDay.objects.values_list("stat", "day")} >= {
        ("sales", TODAY),
        ("deals", TODAY),
    }
    for period in PERIODS[:2]:  # today's sales read from the contracts, the rest of the month from the roll-ups
        assert figures(viewers[0], period) == on_demand(settings, viewers[0], period)
    report = refresh_rollups(today=TODAY)
    assert {month for stat in report.stats for month in stat.months} >= {TODAY.replace(day=1)}
    assert report.months <= 4  # the new month, and the months the contract and the deal left
    for period in PERIODS[:2]:
        assert figures(viewers[0], period) == on_demand(settings, viewers[0], period)
