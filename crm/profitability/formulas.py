"""Pure formulas of client profitability and behaviour (docs/metrics.md): no database, exact Decimals.

The SQL in `crm.profitability.queries` sums the per-contract parts (`crm.profitability.expressions`); these
functions turn the sums into the figures, so a ratio with a zero denominator is `None` («—») in one place.
"""

import calendar
import datetime
from decimal import Decimal

from crm.core.periods import Period

ZERO = Decimal(0)
DAYS_IN_YEAR = Decimal(365)
HUNDRED = Decimal(100)
LTV_MONTHS = 36


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier when negative), clipped to the month's last day (31.03 − 1 → 28.02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def trailing_window(today: datetime.date, months: int = LTV_MONTHS) -> Period:
    """The last `months` months ending today: `[today − months + 1 day, today]` (36 months for LTV)."""
    return Period(add_months(today, -months) + datetime.timedelta(days=1), today)


def yearly_windows(today: datetime.date, years: int = 3) -> list[Period]:
    """The trailing window cut into consecutive 12-month windows, oldest first; the last one ends today."""
    return [trailing_window(add_months(today, -12 * back), 12) for back in range(years - 1, -1, -1)]


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator ÷ denominator; undefined (None) when the denominator is 0."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def earned_premium(written: Decimal, cover_days: int, term_days: int) -> Decimal:
    """Written premium × days of cover inside the window ÷ days of the full term (the SQL does the same per row)."""
    return written * Decimal(max(cover_days, 0)) / Decimal(term_days)


def ltv(earned_premium: Decimal, earned_commission: Decimal, incurred_claims: Decimal) -> Decimal:
    """Σ (earned premium − earned commission) − incurred claims; negative for a loss-making client."""
    return earned_premium - earned_commission - incurred_claims


def loss_ratio(incurred_claims: Decimal, earned_premium: Decimal) -> Decimal | None:
    """Incurred claims ÷ earned premium over the same window and scope; undefined without earned premium."""
    return ratio(incurred_claims, earned_premium)


def exposure_years(cover_days: int) -> Decimal:
    """Earned exposure in contract-years: Σ days of cover inside the window ÷ 365."""
    return Decimal(cover_days) / DAYS_IN_YEAR


def claim_frequency(claims_count: int, cover_days: int) -> Decimal | None:
    """Claims with a loss date in the window per contract-year of exposure; undefined without exposure."""
    return ratio(claims_count, exposure_years(cover_days)) if cover_days else None


def nps(promoters: int, detractors: int, responses: int) -> Decimal | None:
    """% promoters (9–10) − % detractors (0–6), in points from −100 to +100; undefined without responses."""
    if not responses:
        return None
    return (Decimal(promoters) - Decimal(detractors)) * HUNDRED / Decimal(responses)
