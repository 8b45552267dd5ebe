"""Calendar helpers of the generator: everything derives from `today`, nothing from the wall clock."""

import calendar
import datetime
import math
import random
from zoneinfo import ZoneInfo

from crm.demo.generator.config import SEASONALITY

MOSCOW = ZoneInfo("Europe/Moscow")
DAY = datetime.timedelta(days=1)
_MAX_SEASON = max(SEASONALITY)


def history_start(today: datetime.date) -> datetime.date:
    """First day of the history: 1 January three full years before the current one."""
    return datetime.date(today.year - 3, 1, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clipped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def month_start(day: datetime.date) -> datetime.date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def quarter_start(day: datetime.date) -> datetime.date:
    """The first day of the calendar quarter of `day`."""
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def days_in_month(day: datetime.date) -> int:
    """How many days the month of `day` has."""
    return calendar.monthrange(day.year, day.month)[1]


def month_range(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """First days of every month from `first`'s month to `last`'s month inclusive."""
    months, cursor = [], month_start(first)
    while cursor <= last:
        months.append(cursor)
        cursor = add_months(cursor, 1)
    return months


def uniform_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A date drawn uniformly from [first, last]."""
    span = (last - first).days
    return first + datetime.timedelta(days=rng.randint(0, max(span, 0)))


def seasonal_date(rng: random.Random, first: datetime.date, last: datetime.date, growth: float = 0.0) -> datetime.date:
    """A date in [first, last] weighted by the sales seasonality of its month (rejection sampling),
    optionally also growing over time (see `growing_date`)."""
    for _ in range(50):
        day = growing_date(rng, first, last, growth) if growth else uniform_date(rng, first, last)
        if rng.random() * _MAX_SEASON <= SEASONALITY[day.month - 1]:
            return day
    return day


def growing_date(rng: random.Random, first: datetime.date, last: datetime.date, growth: float) -> datetime.date:
    """A date in [first, last] whose density grows as exp(growth × elapsed share): rising demand."""
    share = math.log1p(rng.random() * math.expm1(growth)) / growth
    return first + datetime.timedelta(days=int(share * (last - first).days))


def at_work_hours(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """An aware Moscow datetime on `day` during office hours."""
    return datetime.datetime.combine(day, datetime.time(rng.randint(9, 18), rng.randint(0, 59)), tzinfo=MOSCOW)
