"""Monthly roll-ups of the sales figures, and the bookkeeping that keeps them fresh (issue 3, scale L).

The roll-ups are a cache of `Contract.objects.sold()` and closed deals, aggregated per calendar month and
manager (and per day, for the partial months at the ends of a window); never the only copy of anything.
Team and region are not stored: they come from the manager at read time, exactly as the on-demand queries
do. Freshness is tracked per stat and month:

- `RollupMonth` — the month's roll-up rows (monthly and daily) were computed at `filled_at`;
- `RollupDirtyDay` — a mark written by database triggers (`crm.analytics.rollups.triggers`) in the same
  transaction as any insert, change or delete of a contract or deal (or a client's segment / industry, a
  product's line) that may change the figures of that day (and so of its month);
- `RollupFillState` — the last or current refresh run of a stat (Zulip's FillState): resumable.

A filled month without marks is read from the monthly rows; a filled month with marks from the daily rows of
its unmarked days and the source tables for its marked days; an unfilled month from the source tables
(`crm.analytics.queries.sources`).
See docs/decisions/0005-analytics-rollups.md.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RollupStat(models.TextChoices):
    SALES = "sales", _("Продажи (договоры)")
    DEALS = "deals", _("Закрытые сделки")


class SalesGrain(models.TextChoices):
    """What a `SalesRollup` row is grouped by besides month and manager."""

    MANAGER = "manager", _("Менеджер")
    PRODUCT_LINE = "product_line", _("Менеджер × вид страхования")
    SEGMENT = "segment", _("Менеджер × сегмент клиента")
    INDUSTRY_LINE = "industry_line", _("Менеджер × отрасль × вид страхования")


def _reference(to: str, verbose_name: "StrOrPromise", *, null: bool = False) -> models.ForeignKey:
    """A reference kept without a database constraint: roll-ups are a cache, rebuilt, never the only copy."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, null=null, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )


def _manager() -> models.ForeignKey:
    return _reference(settings.AUTH_USER_MODEL, _("менеджер"))


def _industry() -> models.ForeignKey:
    return _reference("clients.Industry", _("отрасль"), null=True)


def _segment() -> models.CharField:
    return models.CharField(_("сегмент"), max_length=8, blank=True)


def _money(verbose_name: "StrOrPromise") -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2)


class SalesRollup(models.Model):
    """Sold contracts (not cancelled from inception) concluded in a month, per manager and one cut.

    The cut is the grain: the product's line, the client's **current** segment ("" — none), or the client's
    current industry (None — none) × line; columns outside the grain are None / "".
    """

    grain = models.CharField(_("разрез"), max_length=16, choices=SalesGrain.choices)
    month = models.DateField(_("месяц"))
    manager = _manager()
    product_line = _reference("catalog.ProductLine", _("вид страхования"), null=True)
    segment = _segment()
    industry = _industry()
    contracts_count = models.PositiveIntegerField(_("договоров"))
    written_premium_amount = _money(_("начисленная премия, ₽"))

    class Meta:
        verbose_name = _("свод продаж за месяц")
        verbose_name_plural = _("своды продаж за месяц")
        indexes = [models.Index(fields=["grain", "month"], name="analytics_sales_grain_month")]

    def __str__(self) -> str:
        return f"{self.grain} {self.month:%m.%Y} #{self.manager_id}"


class DealRollup(models.Model):
    """Deals closed (won or lost) in a month, per manager: the inputs of win rates and deals won."""

    month = models.DateField(_("месяц"))
    manager = _manager()
    won_count = models.PositiveIntegerField(_("выиграно"))
    lost_count = models.PositiveIntegerField(_("проиграно"))
    won_amount = _money(_("сумма выигранных, ₽"))

    class Meta:
        verbose_name = _("свод закрытых сделок за месяц")
        verbose_name_plural = _("своды закрытых сделок за месяц")
        indexes = [models.Index(fields=["month"], name="analytics_deals_month")]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} #{self.manager_id}"


class SalesDayRollup(models.Model):
    """Sold contracts per conclusion day × manager × product line × client segment × industry.

    Answers the partial months at the ends of a window (the elapsed part of the current month, the same
    days of the comparison periods) without joining contracts to clients and products; whole months are
    read from the smaller `SalesRollup`. Refreshed together with it, month by month.
    """

    day = models.DateField(_("день"))
    manager = _manager()
    product_line = _reference("catalog.ProductLine", _("вид страхования"))
    segment = _segment()
    industry = _industry()
    contracts_count = models.PositiveIntegerField(_("договоров"))
    written_premium_amount = _money(_("начисленная премия, ₽"))

    class Meta:
        verbose_name = _("свод продаж за день")
        verbose_name_plural = _("своды продаж за день")
        indexes = [models.Index(fields=["day"], name="analytics_sales_day")]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} #{self.manager_id}"


class DealDayRollup(models.Model):
    """Deals closed (won or lost) per closing day and manager: the partial months of a window."""

    day = models.DateField(_("день"))
    manager = _manager()
    won_count = models.PositiveIntegerField(_("выиграно"))
    lost_count = models.PositiveIntegerField(_("проиграно"))
    won_amount = _money(_("сумма выигранных, ₽"))

    class Meta:
        verbose_name = _("свод закрытых сделок за день")
        verbose_name_plural = _("своды закрытых сделок за день")
        indexes = [models.Index(fields=["day"], name="analytics_deals_day")]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} #{self.manager_id}"


class RollupMonth(models.Model):
    """A month of a stat whose roll-up rows are complete (as of `filled_at`)."""

    stat = models.CharField(_("показатель"), max_length=8, choices=RollupStat.choices)
    month = models.DateField(_("месяц"))
    filled_at = models.DateTimeField(_("рассчитан"))
    rows = models.PositiveIntegerField(_("строк"))

    class Meta:
        verbose_name = _("рассчитанный месяц свода")
        verbose_name_plural = _("рассчитанные месяцы сводов")
        constraints = [models.UniqueConstraint(fields=["stat", "month"], name="analytics_rollup_month_unique")]

    def __str__(self) -> str:
        return f"{self.stat} {self.month:%m.%Y}"


class RollupDirtyDay(models.Model):
    """A day of a stat whose source rows changed after its roll-up was computed (written by triggers).

    Append-only: several marks for one day are normal; a refresh deletes those it has seen.
    """

    stat = models.CharField(_("показатель"), max_length=8, choices=RollupStat.choices)
    day = models.DateField(_("день"))

    class Meta:
        verbose_name = _("изменённый день свода")
        verbose_name_plural = _("изменённые дни сводов")
        indexes = [models.Index(fields=["stat", "day"], name="analytics_dirty_stat_day")]

    def __str__(self) -> str:
        return f"{self.stat} {self.day:%d.%m.%Y}"


class FillStatus(models.TextChoices):
    STARTED = "started", _("Выполняется или прервано")
    DONE = "done", _("Завершено")


class RollupFillState(models.Model):
    """The last refresh run of a stat: a run that stopped half-way is `started` and the next run resumes it.

    `rebuild_from` is set while a full rebuild is unfinished: months filled before it are still to redo.
    """

    stat = models.CharField(_("показатель"), max_length=8, choices=RollupStat.choices, unique=True)
    status = models.CharField(_("состояние"), max_length=8, choices=FillStatus.choices)
    started_at = models.DateTimeField(_("начато"))
    finished_at = models.DateTimeField(_("завершено"), null=True)
    rebuild_from = models.DateTimeField(_("полный пересчёт с"), null=True)
    months_total = models.PositiveIntegerField(_("месяцев к расчёту"), default=0)
    months_done = models.PositiveIntegerField(_("месяцев рассчитано"), default=0)
    last_month = models.DateField(_("последний рассчитанный месяц"), null=True)

    class Meta:
        verbose_name = _("состояние обновления свода")
        verbose_name_plural = _("состояния обновления сводов")

    def __str__(self) -> str:
        return f"{self.stat}: {self.status}"
