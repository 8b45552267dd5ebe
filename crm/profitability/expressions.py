"""Per-contract SQL expressions of cover and earning that run the same on PostgreSQL and SQLite.

Django has no portable "days between two dates": PostgreSQL subtracts dates to an integer, SQLite stores
dates as ISO text and needs `julianday`. `DaysBetween` and `Fraction` hide that; everything else is built
from them with `Least`/`Greatest`/`Case`, which Django already translates for both databases.

Definitions (docs/metrics.md, «Profitability»): cover runs from the start date to the end date, or to the
termination date when terminated earlier (the termination date is the last day of cover); a contract
cancelled from inception has no cover. Both ends count, so a contract 01.01–31.12 has a term of 365 days.
"""

import datetime
from typing import Any

from django.db.models import Case, DateField, DecimalField, ExpressionWrapper, F, Func, IntegerField, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Greatest, Least

from crm.core.periods import Period
from crm.policies.models import ContractStatus

EARNED = DecimalField(max_digits=24, decimal_places=6)
SHARE = DecimalField(max_digits=20, decimal_places=12)
RATE = DecimalField(max_digits=12, decimal_places=6)


class DaysBetween(Func):
    """`end − start` in whole days, for date columns or date values (negative when end is earlier)."""

    arity = 2
    output_field = IntegerField()
    template = "(CAST(%(expressions)s AS date))"
    arg_joiner = " AS date) - CAST("

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        template, joiner = "CAST(julianday(%(expressions)s) AS INTEGER)", ") - julianday("
        return self.as_sql(compiler, connection, template=template, arg_joiner=joiner, **extra_context)


class Fraction(Func):
    """`numerator ÷ denominator` of two integers as an exact decimal (SQLite would divide integers to an integer)."""

    arity = 2
    output_field = SHARE
    template = "(CAST(%(expressions)s))"
    arg_joiner = " AS numeric) / ("

    def __init__(self, numerator: Any, denominator: Any) -> None:
        super().__init__(numerator, denominator)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, arg_joiner=" AS REAL) / (", **extra_context)


def date_value(value: datetime.date) -> Value:
    """A date parameter typed as a date (so SQLite compares it as ISO text and PostgreSQL as a date)."""
    return Value(value, output_field=DateField())


def cover_end(prefix: str = "") -> Combinable:
    """The last day of cover: the end date, or the termination date when the contract was terminated earlier."""
    ends_on, terminated_on = F(f"{prefix}ends_on"), F(f"{prefix}terminated_on")
    return Case(
        When(Q(**{f"{prefix}terminated_on__lt": ends_on}), then=terminated_on),
        default=ends_on,
        output_field=DateField(),
    )


def term_days(prefix: str = "") -> Combinable:
    """Days of the contract's full term, both ends counted (a one-day contract has 1)."""
    return DaysBetween(F(f"{prefix}ends_on"), F(f"{prefix}starts_on")) + 1


def cover_days(window: Period, prefix: str = "") -> Combinable:
    """Days of cover inside the window, both ends counted; 0 when they do not meet or the contract was cancelled."""
    first = Greatest(F(f"{prefix}starts_on"), date_value(window.first))
    last = Least(cover_end(prefix), date_value(window.last))
    days = Greatest(DaysBetween(last, first) + 1, Value(0))
    cancelled = Q(**{f"{prefix}status": ContractStatus.CANCELLED})
    return Case(When(cancelled, then=Value(0)), default=days, output_field=IntegerField())


def earned_share(window: Period, prefix: str = "") -> Combinable:
    """The part of the contract's term covered inside the window: cover days ÷ term days (0 to 1)."""
    return Fraction(cover_days(window, prefix), term_days(prefix))


def earned_premium(window: Period, prefix: str = "") -> Combinable:
    """Written premium × cover days inside the window ÷ days of the full term (docs/metrics.md: earned premium)."""
    written = F(f"{prefix}written_premium_amount")
    return ExpressionWrapper(written * earned_share(window, prefix), output_field=EARNED)


def earned_commission(window: Period, prefix: str = "") -> Combinable:
    """The contract's commission earned in the same proportion as its premium."""
    commission = F(f"{prefix}commission_amount")
    return ExpressionWrapper(commission * earned_share(window, prefix), output_field=EARNED)


def loss_in(window: Period, prefix: str = "") -> Q:
    """Claims whose loss date falls in the window (incurred claims are counted by loss date)."""
    return Q(**{f"{prefix}loss_on__gte": window.first, f"{prefix}loss_on__lte": window.last})
