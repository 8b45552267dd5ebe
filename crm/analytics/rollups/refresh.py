"""Refresh of the monthly roll-ups: month by month, each month in its own transaction; resumable and idempotent.

What a run of a stat recomputes (`plan_refresh`):

- every month with a day marked dirty (by the triggers, `crm.analytics.rollups.triggers`): only the marked
  days' daily rows are recomputed from the source tables, then the month's monthly rows from its daily rows;
- every month from the first month with data to the last one (at least to December of the current year)
  that has never been filled — the watermark: new months, and everything after the triggers were (re)installed
  — all its days;
- during a full rebuild (`full=True`, or an unfinished one found in `RollupFillState.rebuild_from`): every
  month filled before the rebuild began, and every unfilled month that still has roll-up rows.

Each month is one transaction (REPEATABLE READ on PostgreSQL, so that the month's figures and the dirty
marks it deletes come from the same snapshot: a mark committed meanwhile survives for the next run): replace
the daily rows of the days to recompute (one INSERT … SELECT from the source table) and then the month's
monthly rows (one INSERT … SELECT per grain from the daily rows), delete the month's marks, record the month
as filled and the run's progress. A crash loses at most the month in progress, which is rolled back; the
next run finds the marks and unfilled months still there and continues (it also reports that it resumes).
With nothing dirty a run reads a few small queries per stat and writes nothing. Two runs at once: the second
finds the stat's state row locked and stops (`busy`).
"""

import datetime
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Count, DecimalField, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.analytics.models import (
    DealDayRollup,
    DealRollup,
    FillStatus,
    RollupDirtyDay,
    RollupFillState,
    RollupMonth,
    RollupStat,
    SalesDayRollup,
    SalesGrain,
    SalesRollup,
)
from crm.pipeline.models import Deal, DealStatus
from crm.policies.models import Contract

Log = Callable[[str], None]


@dataclass
class StatReport:
    """What one run did for one stat."""

    stat: str
    months: list[datetime.date] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0
    resumed: bool = False
    full: bool = False
    busy: bool = False


@dataclass
class RefreshReport:
    stats: list[StatReport]

    @property
    def months(self) -> int:
        return sum(len(stat.months) for stat in self.stats)

    @property
    def rows(self) -> int:
        return sum(stat.rows for stat in self.stats)


class RefreshBusy(Exception):
    """Another refresh holds the stat (its state row is locked)."""


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return next_month(month) - datetime.timedelta(days=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first`'s to `last`'s, inclusive."""
    months, cursor = [], month_start(first)
    while cursor <= last:
        months.append(cursor)
        cursor = next_month(cursor)
    return months


# --- what each stat counts, as INSERT … SELECT -------------------------------------------------------------

SALES_GRAIN_FIELDS: dict[SalesGrain, dict[str, str]] = {  # roll-up column → contract field
    SalesGrain.MANAGER: {},
    SalesGrain.PRODUCT_LINE: {"product_line_id": "product__product_line_id"},
    SalesGrain.SEGMENT: {"segment": "client__segment"},
    SalesGrain.INDUSTRY_LINE: {"industry_id": "client__industry_id", "product_line_id": "product__product_line_id"},
}
"""The columns of each grain besides the month and the manager, and where they come from in the contracts."""


def _insert_select(
    using: str, table: str, constants: dict[str, Any], queryset: QuerySet[Any], nulls: dict[str, str]
) -> int:
    """INSERT INTO table (constants…, nulls…, columns…) SELECT …; the SELECT is the queryset's own SQL.

    The queryset selects only annotations named `c_<column>`; `nulls` are columns set to NULL, with their
    database type (PostgreSQL needs the type of a bare NULL).
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    sql, params = queryset.query.get_compiler(using).as_sql()
    aliases = list(queryset.query.annotation_select)
    columns = [*constants, *nulls, *(alias.removeprefix("c_") for alias in aliases)]
    selected = ["%s"] * len(constants) + [f"CAST(NULL AS {kind})" for kind in nulls.values()]
    selected += [f"sub.{quote(alias)}" for alias in aliases]
    statement = (
        f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 — names are our own
        f"SELECT {', '.join(selected)} FROM ({sql}) AS sub"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*constants.values(), *params])
        return cursor.rowcount


def _fk_type(using: str, model: type[Any], name: str) -> str:
    return str(model._meta.get_field(name).db_type(connections[using]))


def _in_month(field: str, month: datetime.date) -> Q:
    return Q(**{f"{field}__gte": month, f"{field}__lte": month_end(month)})


Days = list[datetime.date] | None
"""The days of a month to recompute; None: every day of it."""


def _on(field: str, month: datetime.date, days: Days) -> Q:
    return _in_month(field, month) if days is None else Q(**{f"{field}__in": days})


def _fill_sales(using: str, month: datetime.date, days: Days) -> int:
    """The days' daily rows from the contracts (one scan), then the month's monthly rows of every grain from
    all its daily rows (no join, no contract read again)."""
    SalesDayRollup.objects.using(using).filter(_on("day", month, days)).delete()
    sold = Contract.objects.using(using).sold().filter(_on("concluded_on", month, days)).order_by()
    every = {f"c_{name}": F(source) for fields in SALES_GRAIN_FIELDS.values() for name, source in fields.items()}
    daily = sold.values(c_day=F("concluded_on"), c_manager_id=F("manager_id"), **every).annotate(
        c_contracts_count=Count("pk"), c_written_premium_amount=Sum("written_premium_amount")
    )
    rows = _insert_select(using, SalesDayRollup._meta.db_table, {}, daily, {})
    SalesRollup.objects.using(using).filter(month=month).delete()
    month_days = SalesDayRollup.objects.using(using).filter(_in_month("day", month)).order_by()
    figures = {"c_contracts_count": Sum("contracts_count"), "c_written_premium_amount": Sum("written_premium_amount")}
    for grain, fields in SALES_GRAIN_FIELDS.items():
        keys = {"c_manager_id": F("manager_id"), **{f"c_{name}": F(name) for name in fields}}
        missing = sorted({"product_line_id", "industry_id"} - set(fields))
        nulls = {name: _fk_type(using, SalesRollup, name.removesuffix("_id")) for name in missing}
        constants: dict[str, Any] = {"grain": grain.value, "month": month}
        if "segment" not in fields:
            constants["segment"] = ""
        grouped = month_days.values(**keys).annotate(**figures)
        rows += _insert_select(using, SalesRollup._meta.db_table, constants, grouped, nulls)
    return rows


def _fill_deals(using: str, month: datetime.date, days: Days) -> int:
    """The days' rows per day and manager from the deals, then the month's rows per manager from them."""
    DealDayRollup.objects.using(using).filter(_on("day", month, days)).delete()
    won, lost = Q(status=DealStatus.WON), Q(status=DealStatus.LOST)
    closed = Deal.objects.using(using).filter(won | lost, _on("closed_on", month, days)).order_by()
    zero = Value(0, output_field=DecimalField(max_digits=18, decimal_places=2))
    daily = closed.values(c_day=F("closed_on"), c_manager_id=F("manager_id")).annotate(
        c_won_count=Count("pk", filter=won),
        c_lost_count=Count("pk", filter=lost),
        c_won_amount=Coalesce(Sum("amount", filter=won), zero),
    )
    rows = _insert_select(using, DealDayRollup._meta.db_table, {}, daily, {})
    DealRollup.objects.using(using).filter(month=month).delete()
    month_days = DealDayRollup.objects.using(using).filter(_in_month("day", month)).order_by()
    monthly = month_days.values(c_manager_id=F("manager_id")).annotate(
        c_won_count=Sum("won_count"), c_lost_count=Sum("lost_count"), c_won_amount=Sum("won_amount")
    )
    return rows + _insert_select(using, DealRollup._meta.db_table, {"month": month}, monthly, {})


@dataclass(frozen=True)
class _Stat:
    fill: Callable[[str, datetime.date, Days], int]
    """Recompute the given days of a month (all with None) and then the month's monthly rows."""
    source_range: Callable[[str], tuple[datetime.date | None, datetime.date | None]]
    rolled_months: Callable[[str], set[datetime.date]]
    """The months that have roll-up rows (to clear those left after an invalidation)."""


def _contract_range(using: str) -> tuple[datetime.date | None, datetime.date | None]:
    found = Contract.objects.using(using).aggregate(first=Min("concluded_on"), last=Max("concluded_on"))
    return found["first"], found["last"]


def _deal_range(using: str) -> tuple[datetime.date | None, datetime.date | None]:
    found = Deal.objects.using(using).aggregate(first=Min("closed_on"), last=Max("closed_on"))
    return found["first"], found["last"]


def _months_of(model: type[SalesRollup] | type[DealRollup]) -> Callable[[str], set[datetime.date]]:
    def months(using: str) -> set[datetime.date]:
        return set(model.objects.using(using).values_list("month", flat=True).distinct())

    return months


STATS: dict[RollupStat, _Stat] = {
    RollupStat.SALES: _Stat(_fill_sales, _contract_range, _months_of(SalesRollup)),
    RollupStat.DEALS: _Stat(_fill_deals, _deal_range, _months_of(DealRollup)),
}


# --- planning a run ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthTask:
    month: datetime.date
    whole: bool
    """Recompute every day of the month (never filled, or rebuilt); otherwise only its marked days."""


def plan_refresh(
    stat: RollupStat,
    today: datetime.date,
    *,
    rebuild_from: datetime.datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list[MonthTask]:
    """The months a run of `stat` must recompute now (see the module docstring), oldest first."""
    spec = STATS[stat]
    marked = RollupDirtyDay.objects.using(using).filter(stat=stat).values_list("day", flat=True).distinct()
    dirty = {month_start(day) for day in marked}
    first, last = spec.source_range(using)
    expected: set[datetime.date] = set()
    if first is not None and last is not None:
        expected = set(months_between(first, max(last, today.replace(month=12, day=31))))
    filled = dict(RollupMonth.objects.using(using).filter(stat=stat).values_list("month", "filled_at"))
    whole = (expected | dirty) - set(filled)
    if rebuild_from is not None:
        whole |= {month for month, filled_at in filled.items() if filled_at < rebuild_from}
        whole |= spec.rolled_months(using) - set(filled)  # rows left from before an invalidation
    return [MonthTask(month, month in whole) for month in sorted(dirty | whole)]


def months_to_refresh(
    stat: RollupStat,
    today: datetime.date,
    *,
    rebuild_from: datetime.datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list[datetime.date]:
    """The months of `plan_refresh`."""
    return [task.month for task in plan_refresh(stat, today, rebuild_from=rebuild_from, using=using)]


# --- running -------------------------------------------------------------------------------------------------


def _lock_state(stat: RollupStat, using: str) -> RollupFillState:
    try:
        return RollupFillState.objects.using(using).select_for_update(nowait=True).get(stat=stat)
    except DatabaseError as error:
        raise RefreshBusy(stat) from error


def refresh_month(stat: RollupStat, month: datetime.date, *, whole: bool = True, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute one month of a stat in one transaction — every day, or (`whole=False`) only the days marked
    dirty — and its monthly rows; returns the roll-up rows written."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # The first statement: one snapshot for the month's figures and the marks it deletes.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        state = _lock_state(stat, using)
        marks = RollupDirtyDay.objects.using(using).filter(_in_month("day", month), stat=stat)
        days = None if whole else sorted(set(marks.values_list("day", flat=True)))
        rows = STATS[stat].fill(using, month, days)
        marks.delete()
        RollupMonth.objects.using(using).update_or_create(
            stat=stat, month=month, defaults={"filled_at": timezone.now(), "rows": rows}
        )
        state.months_done += 1
        state.last_month = month
        state.save(update_fields=["months_done", "last_month"])
    return rows


TodoOf = Callable[[datetime.datetime | None], list[MonthTask]]


def _start(stat: RollupStat, full: bool, todo_of: TodoOf, using: str) -> tuple[StatReport, list[MonthTask]]:
    """Plan the run and record it as started; resumes an unfinished run (and an unfinished rebuild).

    Writes nothing when there is nothing to do and no run is unfinished.
    """
    report = StatReport(stat.value, full=full)
    now = timezone.now()
    with transaction.atomic(using=using):
        state, created = RollupFillState.objects.using(using).get_or_create(
            stat=stat, defaults={"status": FillStatus.DONE, "started_at": now}
        )
        state = _lock_state(stat, using)
        report.resumed = not created and state.status == FillStatus.STARTED
        rebuild_from = now if full else state.rebuild_from
        todo = todo_of(rebuild_from)
        report.full = rebuild_from is not None
        if todo:
            state.status, state.started_at, state.finished_at = FillStatus.STARTED, now, None
            state.rebuild_from, state.months_total, state.months_done = rebuild_from, len(todo), 0
            state.save()
        elif report.resumed or full:
            _done(state, now)
    return report, todo


def _done(state: RollupFillState, now: datetime.datetime) -> None:
    state.status, state.finished_at, state.rebuild_from = FillStatus.DONE, now, None
    state.save(update_fields=["status", "finished_at", "rebuild_from"])


def _finish(stat: RollupStat, using: str) -> None:
    with transaction.atomic(using=using):
        _done(_lock_state(stat, using), timezone.now())


def refresh_stat(
    stat: RollupStat,
    *,
    full: bool = False,
    today: datetime.date | None = None,
    using: str = DEFAULT_DB_ALIAS,
    log: Log | None = None,
) -> StatReport:
    """Bring one stat's roll-ups up to date (see the module docstring); `full` recomputes every month."""
    started = time.monotonic()
    day = today or timezone.localdate()

    def todo_of(rebuild_from: datetime.datetime | None) -> list[MonthTask]:
        return plan_refresh(stat, day, rebuild_from=rebuild_from, using=using)

    try:
        report, todo = _start(stat, full, todo_of, using)
    except RefreshBusy:
        return StatReport(stat.value, busy=True)
    if report.resumed and log:
        log(f"{stat.label}: продолжаю прерванное обновление")
    for task in todo:
        try:
            report.rows += refresh_month(stat, task.month, whole=task.whole, using=using)
        except RefreshBusy:
            report.busy = True
            break
        report.months.append(task.month)
        if log:
            log(f"{stat.label}: {task.month:%m.%Y} — {time.monotonic() - started:6.1f} с")
    else:
        if todo:
            _finish(stat, using)
    report.seconds = time.monotonic() - started
    return report


def refresh_rollups(
    *,
    full: bool = False,
    stats: Iterable[RollupStat] = (RollupStat.SALES, RollupStat.DEALS),
    today: datetime.date | None = None,
    using: str = DEFAULT_DB_ALIAS,
    log: Log | None = None,
) -> RefreshReport:
    """Refresh the given stats (all by default): incremental, or every month with `full`."""
    return RefreshReport([refresh_stat(stat, full=full, today=today, using=using, log=log) for stat in stats])
