"""Where each day of a window is read from: the monthly roll-ups, the daily roll-ups or the source tables
(docs/decisions/0005-analytics-rollups.md).

A month is filled when its roll-ups were computed (`RollupMonth`); a day is dirty when a contract or deal of
it changed since (`RollupDirtyDay`, written by triggers). A window is split into

- whole filled months without a dirty day — read from the monthly roll-ups;
- the clean days of filled months otherwise (the elapsed part of the current month, the same days a period
  and a year earlier, a month with today's sales in it) — read from the daily roll-ups;
- dirty days and unfilled months — read from contracts and deals exactly as before.

The parts are added up, so a figure is the same whichever way each day is read; only the speed differs.
`settings.CRM_ANALYTICS_ROLLUPS = False` reads everything from the source tables.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Value

from crm.analytics.models import RollupDirtyDay, RollupMonth, RollupStat
from crm.core.periods import Period

DAY = datetime.timedelta(days=1)


def rollups_enabled() -> bool:
    """The roll-ups are read unless `settings.CRM_ANALYTICS_ROLLUPS` is False (a switch for operations)."""
    return bool(settings.CRM_ANALYTICS_ROLLUPS)


@dataclass(frozen=True)
class Covered:
    """One stat's filled months and dirty days (among those asked about)."""

    months: frozenset[datetime.date] = frozenset()
    dirty: frozenset[datetime.date] = frozenset()


@dataclass(frozen=True)
class Coverage:
    """What the roll-ups cover, per stat."""

    sales: Covered = Covered()
    deals: Covered = Covered()


def load_coverage(periods: Iterable[Period]) -> Coverage:
    """One query: the filled months and the dirty days of both stats within the months the periods touch."""
    periods = list(periods)
    if not periods or not rollups_enabled():
        return Coverage()
    first, last = min(period.first for period in periods).replace(day=1), max(period.last for period in periods)
    kind = Value("", output_field=CharField())
    filled = RollupMonth.objects.filter(month__gte=first, month__lte=last).values_list("stat", "month", kind)
    dirty = RollupDirtyDay.objects.filter(day__gte=first, day__lte=last).values_list("stat", "day", Value("dirty"))
    months: dict[str, set[datetime.date]] = {stat: set() for stat in RollupStat.values}
    days: dict[str, set[datetime.date]] = {stat: set() for stat in RollupStat.values}
    for stat, day, what in filled.union(dirty):  # UNION: each dirty day once
        (days if what else months)[stat].add(day)
    sales, deals = RollupStat.SALES.value, RollupStat.DEALS.value
    return Coverage(
        sales=Covered(frozenset(months[sales]), frozenset(days[sales])),
        deals=Covered(frozenset(months[deals]), frozenset(days[deals])),
    )


@dataclass(frozen=True)
class Split:
    """A window as whole months (monthly roll-ups), day ranges from the daily roll-ups, and day ranges from
    the source tables."""

    months: tuple[datetime.date, ...]
    days: tuple[Period, ...]
    ranges: tuple[Period, ...]


MAX_DIRTY_DAYS = 10
"""A month with more dirty days than this is read from the source tables as a whole (a shorter query)."""


def _whole_month(part: Period) -> bool:
    return part.first.day == 1 and (part.last + DAY).day == 1


def _append(ranges: list[Period], part: Period) -> None:
    if ranges and ranges[-1].last + DAY == part.first:
        ranges[-1] = Period(ranges[-1].first, part.last)
    else:
        ranges.append(part)


def _clean_runs(part: Period, dirty: list[datetime.date]) -> list[Period]:
    """The part's days between its dirty days."""
    runs, start = [], part.first
    for day in dirty:
        if start < day:
            runs.append(Period(start, day - DAY))
        start = day + DAY
    if start <= part.last:
        runs.append(Period(start, part.last))
    return runs


def split(period: Period, covered: Covered) -> Split:
    """Where each day of the period is read from (see the module docstring)."""
    months: list[datetime.date] = []
    days: list[Period] = []
    ranges: list[Period] = []
    for part in period.months():
        dirty = sorted(day for day in covered.dirty if part.first <= day <= part.last)
        month = part.first.replace(day=1)
        if month not in covered.months or len(dirty) > MAX_DIRTY_DAYS:
            _append(ranges, part)
        elif not dirty and _whole_month(part):
            months.append(month)
        else:
            for run in _clean_runs(part, dirty):
                _append(days, run)
            for day in dirty:
                _append(ranges, Period(day, day))
    return Split(tuple(months), tuple(days), tuple(ranges))
