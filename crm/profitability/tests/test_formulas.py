"""Pure formulas: month arithmetic of the windows, ratios undefined at zero, NPS, number formatting."""

import datetime
from decimal import Decimal

from crm.core.periods import Period
from crm.profitability import formulas
from crm.profitability.explain import number


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


def test_add_months_clips_to_the_last_day():
    assert formulas.add_months(d(2026, 3, 31), -1) == d(2026, 2, 28)
    assert formulas.add_months(d(2024, 2, 29), -12) == d(2023, 2, 28)
    assert formulas.add_months(d(2026, 11, 26), -36) == d(2023, 11, 26)
    assert formulas.add_months(d(2026, 1, 15), 13) == d(2027, 2, 15)


def test_the_ltv_window_and_its_years():
    assert formulas.trailing_window(d(2026, 11, 26)) == Period(d(2023, 11, 27), d(2026, 11, 26))
    assert formulas.trailing_window(d(2027, 2, 28), 12) == Period(d(2026, 3, 1), d(2027, 2, 28))
    years = formulas.yearly_windows(d(2026, 11, 26))
    assert years == [
        Period(d(2023, 11, 27), d(2024, 11, 26)),
        Period(d(2024, 11, 27), d(2025, 11, 26)),
        Period(d(2025, 11, 27), d(2026, 11, 26)),
    ]
    assert sum(year.days for year in years) == formulas.trailing_window(d(2026, 11, 26)).days == 1096


def test_ratios_are_undefined_without_a_denominator():
    assert formulas.loss_ratio(Decimal(100), Decimal(0)) is None
    assert formulas.loss_ratio(Decimal(0), Decimal(50)) == Decimal(0)
    assert formulas.claim_frequency(3, 0) is None
    assert formulas.claim_frequency(3, 730) == Decimal("1.5")
    assert formulas.nps(0, 0, 0) is None
    assert formulas.nps(1, 2, 3) == Decimal(-100) / 3


def test_earned_premium_and_ltv():
    assert formulas.earned_premium(Decimal("365000"), 181, 365) == Decimal("181000")
    assert formulas.earned_premium(Decimal("1000"), -5, 10) == Decimal(0)
    assert formulas.ltv(Decimal(100), Decimal(10), Decimal(150)) == Decimal(-60)


def test_numbers_the_russian_way():
    assert (number(Decimal("1.525")), number(None), number(Decimal("2"), 1), number(7, 0)) == ("1,53", "—", "2,0", "7")
