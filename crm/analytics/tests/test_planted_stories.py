"""On the generator's scale-S data, the dashboard and hot spots find the stories planted in it.

Scale S (≈ 2 000 clients) because at XS the trends rest on a handful of contracts and are rightly not
significant. Generated once for the module inside a transaction that is rolled back.
"""

import datetime

import pytest
from django.db import transaction

from crm.analytics.queries import dashboard, hot_spots
from crm.core.periods import Period
from crm.core.roles import Role
from crm.demo.generator import SCALES, generate
from crm.demo.generator.stories import UNDER_PLAN_TEAM
from crm.org.models import User

TODAY = datetime.date(2026, 11, 26)
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def head(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generate(scale=SCALES["S"], seed=42, today=TODAY, log=lambda _line: None)
        yield User.objects.filter(role=Role.HEAD_OF_SALES).order_by("pk").first()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def spots(head, django_db_blocker):
    with django_db_blocker.unblock():
        return hot_spots(head, TODAY, Period.year(2026))


def test_the_under_plan_team_is_flagged_this_quarter(head):
    board = dashboard(head, Period.quarter(2026, 4), TODAY)
    flagged = {node.name: node.flag for node in board.flagged_nodes() if node.level == "team"}
    assert flagged.get(UNDER_PLAN_TEAM) == "below"
    assert abs(board.tree.amount.deviation) < board.threshold


def test_the_low_conversion_region_is_a_hot_spot(spots):
    assert "Сибирь" in [spot.name for spot in spots.low_win_rate if spot.kind == "region"]


def test_cyber_in_it_rises(spots):
    assert "Информационные технологии × Киберриски" in [trend.name for trend in spots.trend_rising]


def test_kasko_for_taxi_fleets_falls(spots):
    assert "Таксопарки × КАСКО" in [trend.name for trend in spots.falling]
