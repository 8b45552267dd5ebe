"""Reads of discount rules: the versions in force, the list and history screens, the simulation of a rule.

Each function runs a fixed number of queries however many rules, versions or deals there are.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.clients.models import Segment
from crm.core.money import format_rub, to_money
from crm.core.periods import Period
from crm.discounts.models import DiscountRule, DiscountRuleVersion, RuleConditions, StrategicCondition, rate_text
from crm.pipeline.models import Deal

VERSION_M2M = ("industries", "regions", "product_lines")
SIMULATION_MONTHS = 12


def latest_versions() -> QuerySet[DiscountRuleVersion]:
    """The latest version of every rule (the one in force when the rule is active and the date fits)."""
    latest = DiscountRuleVersion.objects.filter(rule=OuterRef("rule")).order_by("-number").values("pk")[:1]
    return DiscountRuleVersion.objects.filter(pk=Subquery(latest))


def versions_in_force(on_date: datetime.date) -> list[DiscountRuleVersion]:
    """The latest version of each active rule whose dates include `on_date`, conditions prefetched (4 queries)."""
    versions = (
        latest_versions()
        .filter(rule__is_active=True, starts_on__lte=on_date)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on_date))
        .select_related("rule")
        .prefetch_related(*VERSION_M2M)
        .order_by("rule_id")
    )
    return list(versions)


@dataclass(frozen=True)
class RuleRow:
    """A rule on the list: its current version, what it limits in words, and whether it is in force today."""

    rule: DiscountRule
    version: DiscountRuleVersion
    conditions: list[str]
    status: str
    in_force: bool


def rule_status(rule: DiscountRule, version: DiscountRuleVersion, today: datetime.date) -> tuple[str, bool]:
    """(«Действует» / «Отключено» / «Вступит в силу dd.mm.yyyy» / «Истекло dd.mm.yyyy», in force today)."""
    if not rule.is_active:
        return _("Отключено"), False
    if version.starts_on > today:
        return _("Вступит в силу %(date)s") % {"date": f"{version.starts_on:%d.%m.%Y}"}, False
    if version.ends_on is not None and version.ends_on < today:
        return _("Истекло %(date)s") % {"date": f"{version.ends_on:%d.%m.%Y}"}, False
    return _("Действует"), True


def _turnover_words(version: DiscountRuleVersion) -> str | None:
    low, high = version.turnover_from_amount, version.turnover_to_amount
    if low is not None and high is not None:
        return _("оборот от %(low)s до %(high)s (не включая)") % {"low": format_rub(low), "high": format_rub(high)}
    if high is not None:
        return _("оборот менее %(high)s") % {"high": format_rub(high)}
    if low is not None:
        return _("оборот от %(low)s") % {"low": format_rub(low)}
    return None


def conditions_in_words(version: DiscountRuleVersion) -> list[str]:
    """The version's conditions as the UI says them (reads the prefetched industries, regions and lines)."""
    labels = dict(Segment.choices)
    parts = [
        _("отрасли: %(names)s") % {"names": ", ".join(str(item) for item in version.industries.all())}
        if version.industries.all()
        else None,
        _turnover_words(version),
        _("сегменты: %(names)s") % {"names": ", ".join(str(labels[code]) for code in sorted(version.segments))}
        if version.segments
        else None,
        _("регионы: %(names)s") % {"names": ", ".join(str(item) for item in version.regions.all())}
        if version.regions.all()
        else None,
        str(version.get_strategic_display()).lower() if version.strategic != StrategicCondition.ANY else None,
        _("виды страхования: %(names)s") % {"names": ", ".join(str(item) for item in version.product_lines.all())}
        if version.product_lines.all()
        else None,
    ]
    return [part for part in parts if part] or [_("все клиенты и виды страхования")]


def rule_rows(rules: QuerySet[DiscountRule], *, today: datetime.date, active: bool | None = None) -> list[RuleRow]:
    """The rules (all, or only active / inactive) with their current versions, by name; 5 queries."""
    if active is not None:
        rules = rules.filter(is_active=active)
    current = latest_versions().filter(rule__in=rules).select_related("rule", "author").prefetch_related(*VERSION_M2M)
    rows = []
    for version in sorted(current, key=lambda item: item.rule.name):
        status, in_force = rule_status(version.rule, version, today)
        rows.append(RuleRow(version.rule, version, conditions_in_words(version), status, in_force))
    return rows


@dataclass(frozen=True)
class VersionRow:
    """A version in a rule's history, with its conditions in words and how many deals recorded it."""

    version: DiscountRuleVersion
    conditions: list[str]
    deals_count: int


def rule_history(rule: DiscountRule) -> list[VersionRow]:
    """Every version of the rule, newest first; 4 queries."""
    versions = (
        rule.versions.select_related("author")
        .prefetch_related(*VERSION_M2M)
        .annotate(deals_count=Count("deals"))
        .order_by("-number")
    )
    return [VersionRow(version, conditions_in_words(version), version.deals_count) for version in versions]


@dataclass(frozen=True)
class RuleSimulation:
    """What a rule would have affected over the window: deals above its maximum, their premium and clients."""

    period: Period
    max_discount_rate: Decimal
    deals_count: int
    premium_amount: Decimal
    clients_count: int


def simulation_window(today: datetime.date) -> Period:
    """The last 12 months ending today: [today − 12 months + 1 day, today] (29 February → 28 February)."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:
        year_ago = today.replace(year=today.year - 1, day=28)
    return Period(year_ago + datetime.timedelta(days=1), today)


def _window_q(period: Period) -> Q:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    created = Q(created_at__gte=start, created_at__lt=end)
    return created | Q(closed_on__gte=period.first, closed_on__lte=period.last)


def rule_simulation(
    deals: QuerySet[Deal], conditions: RuleConditions, max_discount_rate: Decimal, *, today: datetime.date
) -> RuleSimulation:
    """Deals created or closed in the last 12 months, of clients and lines the conditions match, whose
    requested or granted discount is above the maximum: count, Σ premium (deal amount), distinct clients.

    One aggregate query. The rule's own dates are ignored: the question is what these terms would have hit.
    """
    period = simulation_window(today)
    above = Q(requested_discount_rate__gt=max_discount_rate) | Q(granted_discount_rate__gt=max_discount_rate)
    totals = deals.filter(conditions.deal_q(), _window_q(period), above).aggregate(
        deals_count=Count("pk"), premium_amount=Sum("amount"), clients_count=Count("client", distinct=True)
    )
    return RuleSimulation(
        period=period,
        max_discount_rate=max_discount_rate,
        deals_count=totals["deals_count"],
        premium_amount=to_money(totals["premium_amount"] or 0),
        clients_count=totals["clients_count"],
    )


def version_summary(version: DiscountRuleVersion) -> str:
    """«отрасли: …; оборот менее … → не более 15 %» — one line for messages and lists."""
    limit = _("не более %(rate)s") % {"rate": rate_text(version.max_discount_rate)}
    return f"{'; '.join(conditions_in_words(version))} → {limit}"
