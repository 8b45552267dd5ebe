"""The cover and earning expressions compute the same exact days and roubles on PostgreSQL and SQLite."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Value

from crm.core.money import to_money
from crm.core.periods import Period
from crm.policies.models import Contract
from crm.profitability.expressions import (
    DaysBetween,
    cover_days,
    earned_commission,
    earned_premium,
    term_days,
)
from crm.profitability.tests.conftest import contract, day

pytestmark = pytest.mark.django_db
YEAR_2026 = Period(day("01.01.2026"), day("31.12.2026"))


def _figures(window: Period) -> dict[str, tuple[int, int, Decimal, Decimal]]:
    rows = Contract.objects.annotate(
        cover=cover_days(window), term=term_days(), earned=earned_premium(window), commission=earned_commission(window)
    ).values_list("number", "cover", "term", "earned", "commission")
    return {
        number: (cover, term, to_money(earned), to_money(commission))
        for number, cover, term, earned, commission in rows
    }


def test_days_between_dates_and_columns(new_client):
    spanning = contract(new_client, "01.07.2025", "30.06.2026", "365000")
    row = (
        Contract.objects.filter(pk=spanning.pk)
        .annotate(
            values=DaysBetween(Value(datetime.date(2024, 3, 1)), Value(datetime.date(2024, 2, 1))),
            columns=DaysBetween("ends_on", "starts_on"),
            backwards=DaysBetween("starts_on", Value(datetime.date(2025, 7, 11))),
        )
        .values_list("values", "columns", "backwards")
        .get()
    )
    assert row == (29, 364, -10)


def test_cover_inside_the_window_and_earning(new_client):
    spanning = contract(new_client, "01.07.2025", "30.06.2026", "365000.00", "36500.00")
    terminated = contract(
        new_client, "01.01.2026", "31.12.2026", "730000", "73000", status="terminated", terminated_on=day("31.03.2026")
    )
    cancelled = contract(new_client, "01.02.2026", "31.01.2027", "500000", "50000", status="cancelled")
    outside = contract(new_client, "01.01.2024", "31.12.2024", "100000", "10000", status="expired")
    one_day = contract(new_client, "31.12.2026", "31.12.2026", "1000", "100")
    third = contract(new_client, "01.10.2026", "30.09.2027", "100000", "15000")

    figures = _figures(YEAR_2026)

    # 01.01–30.06.2026 = 181 of 365 days: 365 000 × 181 ÷ 365 = 181 000.
    assert figures[spanning.number] == (181, 365, Decimal("181000.00"), Decimal("18100.00"))
    # Cover ends at termination: 01.01–31.03.2026 = 90 of 365 days: 730 000 × 90 ÷ 365 = 180 000.
    assert figures[terminated.number] == (90, 365, Decimal("180000.00"), Decimal("18000.00"))
    assert figures[cancelled.number] == (0, 365, Decimal("0.00"), Decimal("0.00"))
    assert figures[outside.number] == (0, 366, Decimal("0.00"), Decimal("0.00"))
    assert figures[one_day.number] == (1, 1, Decimal("1000.00"), Decimal("100.00"))
    # 01.10–31.12.2026 = 92 of 365 days: 100 000 × 92 ÷ 365 = 25 205,479… → 25 205,48; commission 3 780,82.
    assert figures[third.number] == (92, 365, Decimal("25205.48"), Decimal("3780.82"))


def test_termination_after_the_end_date_does_not_extend_cover(new_client):
    late = contract(
        new_client, "01.01.2026", "30.06.2026", "181000", status="terminated", terminated_on=day("15.08.2026")
    )
    assert _figures(YEAR_2026)[late.number][:3] == (181, 181, Decimal("181000.00"))
