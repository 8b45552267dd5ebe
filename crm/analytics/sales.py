"""Sales against plan (docs/metrics.md, scenario 1): the formulas, as pure functions on Decimals and Periods.

No database here: `crm.analytics.queries` loads facts and plans and calls these. Money is exact `Decimal`
roubles, rates are decimal fractions; a ratio with a zero or missing denominator is undefined (`None`,
shown as «—»), never 0. "Today" counts as elapsed.
"""

import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from crm.core.periods import Period

Flag = Literal["below", "above"]
PeriodKind = Literal["month", "quarter", "year", "custom"]
MonthlyPlan = Mapping[datetime.date, Decimal]
"""A scope's plan: first day of a month → the month's plan (₽, or contracts)."""

ZERO = Decimal(0)
ONE = Decimal(1)
DAY = datetime.timedelta(days=1)


def elapsed_days(period: Period, today: datetime.date) -> int:
    """Days of the period up to and including today: 0 before it starts, all of them once it is over."""
    if today < period.first:
        return 0
    return min(period.days, (today - period.first).days + 1)


@functools.lru_cache(maxsize=1024)
def _month_parts(period: Period) -> tuple[tuple[datetime.date, Period, int], ...]:
    """The period's months as (first day of the month, its part inside the period, days in the month).

    Cached: the dashboard asks it for the same few periods once per node (hundreds of nodes at scale L).
    """
    return tuple(
        (part.first.replace(day=1), part, Period.month(part.first.year, part.first.month).days)
        for part in period.months()
    )


def plan_to_date(monthly: MonthlyPlan, period: Period, today: datetime.date) -> Decimal | None:
    """Σ plans of the period's elapsed months + the current month's plan × elapsed days ÷ days in that month.

    Each month counts only for its days inside the period (a custom range gets its months pro rata).
    None when no month of the period has a plan; a past period gives its whole plan, a future one 0.
    """
    total, planned = ZERO, False
    for first, part, month_days in _month_parts(period):
        plan = monthly.get(first)
        if plan is not None:
            planned = True
            total += plan * elapsed_days(part, today) / month_days
    return total if planned else None


def period_plan(monthly: MonthlyPlan, period: Period) -> Decimal | None:
    """The plan of the whole period: Σ of its months' plans (partial months pro rata); None without plan rows."""
    return plan_to_date(monthly, period, period.last)


def attainment(fact: Decimal, plan: Decimal | None) -> Decimal | None:
    """fact ÷ plan; undefined (None) when there is no plan or the plan is 0. Also «attainment to date»."""
    if plan is None or plan == 0:
        return None
    return fact / plan


def deviation(fact: Decimal, plan_to_date_value: Decimal | None) -> Decimal | None:
    """fact ÷ plan to date − 1; undefined when the plan to date is missing or 0."""
    rate = attainment(fact, plan_to_date_value)
    return None if rate is None else rate - ONE


def is_flagged(deviation_rate: Decimal | None, threshold: Decimal) -> bool:
    """|deviation| > threshold, strictly (exactly 10 % is not flagged); an undefined deviation never is."""
    return deviation_rate is not None and abs(deviation_rate) > threshold


def flag_for(deviation_rate: Decimal | None, threshold: Decimal) -> Flag | None:
    """ "below" (▼) or "above" (▲) plan when flagged, else None."""
    if deviation_rate is None or not is_flagged(deviation_rate, threshold):
        return None
    return "below" if deviation_rate < 0 else "above"


def run_rate(fact: Decimal, period: Period, today: datetime.date) -> Decimal | None:
    """fact ÷ elapsed days × days in the period; undefined before the period starts."""
    elapsed = elapsed_days(period, today)
    if elapsed == 0:
        return None
    return fact * period.days / elapsed


def period_kind(period: Period) -> PeriodKind:
    """Whether the period is exactly one calendar month, quarter or year, or a custom range."""
    first = period.first
    if period == Period.year(first.year):
        return "year"
    if first.month % 3 == 1 and period == Period.quarter(first.year, first.month // 3 + 1):
        return "quarter"
    if period == Period.month(first.year, first.month):
        return "month"
    return "custom"


def previous_period(period: Period) -> Period:
    """The previous month / quarter / year; for a custom range, as many days immediately before it."""
    kind, first = period_kind(period), period.first
    if kind == "year":
        return Period.year(first.year - 1)
    if kind == "quarter":
        quarter = first.month // 3 + 1
        return Period.quarter(first.year - 1, 4) if quarter == 1 else Period.quarter(first.year, quarter - 1)
    if kind == "month":
        before = first - DAY
        return Period.month(before.year, before.month)
    return Period(first - period.days * DAY, first - DAY)


def year_earlier(day: datetime.date) -> datetime.date:
    """The same calendar day a year earlier; 29 February maps to 28 February."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def same_period_last_year(period: Period) -> Period:
    """The same month / quarter / year a year earlier (a whole February); a custom range shifted by a year."""
    kind, first = period_kind(period), period.first
    if kind == "year":
        return Period.year(first.year - 1)
    if kind == "quarter":
        return Period.quarter(first.year - 1, first.month // 3 + 1)
    if kind == "month":
        return Period.month(first.year - 1, first.month)
    return Period(year_earlier(first), year_earlier(period.last))


def comparable_window(base: Period, period: Period, today: datetime.date) -> Period | None:
    """The part of a comparison period that matches what has elapsed of `period` (like for like).

    The whole comparison period once `period` is over; its first N days while `period` has run N days;
    None before `period` starts (nothing to compare yet).
    """
    if today >= period.last:
        return base
    elapsed = elapsed_days(period, today)
    if elapsed == 0:
        return None
    return Period(base.first, min(base.first + (elapsed - 1) * DAY, base.last))


@dataclass(frozen=True)
class ComparisonWindows:
    """The periods the dashboard compares: the period, its elapsed part, and the two comparison periods."""

    current: Period
    elapsed: Period | None
    previous: Period
    last_year: Period
    previous_comparable: Period | None
    last_year_comparable: Period | None


def comparison_windows(period: Period, today: datetime.date) -> ComparisonWindows:
    """The period, what has elapsed of it, the previous and last year's periods and their comparable parts."""
    previous, last_year = previous_period(period), same_period_last_year(period)
    elapsed = elapsed_days(period, today)
    return ComparisonWindows(
        current=period,
        elapsed=Period(period.first, period.first + (elapsed - 1) * DAY) if elapsed else None,
        previous=previous,
        last_year=last_year,
        previous_comparable=comparable_window(previous, period, today),
        last_year_comparable=comparable_window(last_year, period, today),
    )


def relative_change(current: Decimal | None, base: Decimal | None) -> Decimal | None:
    """current ÷ base − 1; undefined when either is undefined or the base is 0."""
    if current is None or base is None or base == 0:
        return None
    return current / base - ONE


@dataclass(frozen=True)
class Change:
    """A figure against its comparison value: absolute (current − base) and relative (current ÷ base − 1)."""

    absolute: Decimal | None
    relative: Decimal | None


def compare(current: Decimal | None, base: Decimal | None) -> Change:
    """Absolute and relative change of a figure against a comparison period (docs: dynamics)."""
    absolute = None if current is None or base is None else current - base
    return Change(absolute=absolute, relative=relative_change(current, base))


def win_rate(won: int, lost: int) -> Decimal | None:
    """won ÷ (won + lost) among deals closed in a period; undefined when none closed."""
    closed = won + lost
    return None if closed == 0 else Decimal(won) / closed


def average_premium(amount: Decimal, count: int) -> Decimal | None:
    """Σ written premium ÷ number of contracts; undefined without contracts."""
    return None if count == 0 else amount / count


def decompose_change(
    amount: Decimal, count: int, base_amount: Decimal, base_count: int
) -> tuple[Decimal | None, Decimal | None]:
    """Split a change of sales into (count effect, average-premium effect); they add up to the change exactly.

    count effect = (contracts − base contracts) × base average premium; the premium effect is the rest.
    Both undefined when the base has no contracts (there is no base average premium).
    """
    base_average = average_premium(base_amount, base_count)
    if base_average is None:
        return None, None
    count_effect = (count - base_count) * base_average
    return count_effect, amount - base_amount - count_effect


@dataclass(frozen=True)
class PlanFigures:
    """One measure (₽ or number of contracts) of one scope against its plan over a period."""

    fact: Decimal
    plan: Decimal | None
    plan_to_date: Decimal | None
    attainment: Decimal | None
    attainment_to_date: Decimal | None
    deviation: Decimal | None
    run_rate: Decimal | None
    flag: Flag | None


def plan_figures(
    fact: Decimal, monthly: MonthlyPlan | None, period: Period, today: datetime.date, threshold: Decimal
) -> PlanFigures:
    """Fact, plan, plan to date, attainment (whole and to date), deviation, run-rate and flag of one measure."""
    plan = None if monthly is None else period_plan(monthly, period)
    to_date = None if monthly is None else plan_to_date(monthly, period, today)
    deviation_rate = deviation(fact, to_date)
    return PlanFigures(
        fact=fact,
        plan=plan,
        plan_to_date=to_date,
        attainment=attainment(fact, plan),
        attainment_to_date=attainment(fact, to_date),
        deviation=deviation_rate,
        run_rate=run_rate(fact, period, today),
        flag=flag_for(deviation_rate, threshold),
    )
