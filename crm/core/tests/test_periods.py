import datetime

import pytest

from crm.core.periods import Period

D = datetime.date


def test_quarter_and_month_bounds():
    assert Period.quarter(2026, 4) == Period(D(2026, 10, 1), D(2026, 12, 31))
    assert Period.month(2028, 2) == Period(D(2028, 2, 1), D(2028, 2, 29))
    assert Period.year(2026).days == 365


def test_months_of_a_custom_range_are_clipped():
    months = Period(D(2026, 1, 20), D(2026, 3, 5)).months()
    assert months == [
        Period(D(2026, 1, 20), D(2026, 1, 31)),
        Period(D(2026, 2, 1), D(2026, 2, 28)),
        Period(D(2026, 3, 1), D(2026, 3, 5)),
    ]


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(D(2026, 2, 1), D(2026, 1, 31))


def test_membership_is_inclusive_at_both_ends():
    q = Period.quarter(2026, 4)
    assert D(2026, 10, 1) in q and D(2026, 12, 31) in q and D(2027, 1, 1) not in q
