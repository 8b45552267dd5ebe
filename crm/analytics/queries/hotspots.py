"""Hot spots: where sales fall or rise, and who converts deals badly, with a guard against noise.

Sales trends compare the elapsed part of the period with the comparable parts of the previous period and
of the same period a year earlier (see `crm.analytics.sales.comparable_window`), per client segment, product
line and industry × product line, by number of contracts: an exact test of two daily rates
(`stats.rate_change_p_value`), significant against **both** comparisons (p = the larger of the two).
A fall needs ≥ 8 contracts in each comparison window, a rise ≥ 8 in the period. Win rates: regions and
managers with ≥ 20 deals closed in the elapsed part, against the rest of the viewer's scope (one-sided
Fisher exact test). p-values are Benjamini–Hochberg adjusted within each kind of a list (segments, lines,
industry × line; regions, managers); a hot spot has adjusted p < 0.05.
"""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from crm.analytics.queries.deals import deal_outcomes_by_manager
from crm.analytics.queries.facts import FactKey, sales_facts_by
from crm.analytics.queries.sources import Coverage, load_coverage
from crm.analytics.results import Fact, HotSpots, Outcome, PeopleCut, SalesCut, SalesTrend, WinRateSpot
from crm.analytics.sales import ComparisonWindows, comparison_windows, relative_change, win_rate
from crm.analytics.stats import Alternative, adjusted_p_values, rate_change_p_values, win_rate_p_values
from crm.catalog.models import ProductLine
from crm.clients.models import Industry, Segment
from crm.core.money import format_percent, format_rub
from crm.core.periods import Period
from crm.org.models import User

MIN_BASE_CONTRACTS = 8
MIN_CONTRACTS = 8
MIN_CLOSED_DEALS = 20
SIGNIFICANCE = 0.05
SALES_CUTS: tuple[SalesCut, ...] = ("segment", "product_line", "industry_line")
Triple = tuple[Fact, Fact, Fact]
"""The facts of the elapsed part, of the previous period's and of last year's comparable parts."""


def signed_percent(rate: Decimal | None) -> str:
    """+12 % / −64 % / — (undefined)."""
    if rate is None:
        return "—"
    text = format_percent(rate, 0).replace("-", "−")
    return f"+{text}" if rate > 0 else text


def p_text(p_value: float) -> str:
    """«p = 0,003», «p < 0,001»."""
    if p_value < 0.001:
        return "p < 0,001"
    return "p = " + f"{p_value:.3f}".replace(".", ",")


@dataclass(frozen=True)
class _Labels:
    lines: dict[int, str]
    industries: dict[int, str]

    def name(self, kind: SalesCut, value: FactKey) -> str:
        """«Микро», «КАСКО», «Информационные технологии × Киберриски»."""
        if kind == "segment":
            return str(dict(Segment.choices).get(value, _("Без сегмента")))
        if kind == "product_line":
            return self.lines.get(value, "")
        industry = self.industries.get(value[0], _("Отрасль не указана"))
        return f"{industry} × {self.lines.get(value[1], '')}"


def _key(kind: SalesCut, value: FactKey) -> str:
    if kind == "industry_line":
        return f"industry_line:{value[0] if value[0] is not None else 'none'}:{value[1]}"
    return f"{kind}:{value}"


def _sales_reason(trend: SalesTrend) -> str:
    template = _(
        "Договоров %(count)s против %(previous)s в предыдущем периоде (%(previous_change)s) и %(last_year)s "
        "годом ранее (%(last_year_change)s); премия %(amount)s против %(previous_amount)s и %(last_year_amount)s; "
        "%(p)s"
    )
    current, previous, last_year = trend.current, trend.previous, trend.last_year
    return template % {
        "count": current.count,
        "previous": previous.count,
        "previous_change": signed_percent(relative_change(Decimal(current.count), Decimal(previous.count))),
        "last_year": last_year.count,
        "last_year_change": signed_percent(relative_change(Decimal(current.count), Decimal(last_year.count))),
        "amount": format_rub(current.amount),
        "previous_amount": format_rub(previous.amount),
        "last_year_amount": format_rub(last_year.amount),
        "p": p_text(trend.adjusted_p_value),
    }


def _trend_p_values(triples: list[Triple], days: tuple[int, ...], alternative: Alternative) -> list[float]:
    """Significant against both comparisons: the larger of the two one-sided p-values (intersection–union)."""
    current_days, previous_days, last_year_days = days
    against_previous = rate_change_p_values(
        [(current.count, current_days, previous.count, previous_days) for current, previous, _ly in triples],
        alternative,
    )
    against_last_year = rate_change_p_values(
        [(current.count, current_days, last_year.count, last_year_days) for current, _p, last_year in triples],
        alternative,
    )
    return [max(pair) for pair in zip(against_previous, against_last_year, strict=True)]


def _qualifies(facts: Triple, alternative: Alternative) -> bool:
    current, previous, last_year = facts
    if alternative == "less":
        return min(previous.count, last_year.count) >= MIN_BASE_CONTRACTS
    return current.count >= MIN_CONTRACTS


def _significant[T: (SalesTrend, WinRateSpot)](candidates: list[T]) -> list[T]:
    """Adjust p-values within each kind (Benjamini–Hochberg), keep the significant ones, strongest first.

    Each kind (segments, lines, industry × line, regions, managers) is its own question, so its own family.
    """
    kept = []
    for kind in dict.fromkeys(candidate.kind for candidate in candidates):
        family = [candidate for candidate in candidates if candidate.kind == kind]
        adjusted = adjusted_p_values([candidate.p_value for candidate in family])
        kept += [replace(c, adjusted_p_value=q) for c, q in zip(family, adjusted, strict=True) if q < SIGNIFICANCE]
    return sorted(kept, key=lambda spot: (spot.adjusted_p_value, spot.name))


def _triple(facts: dict[str, dict[FactKey, Fact]], value: FactKey) -> Triple:
    return (
        facts["current"].get(value, Fact()),
        facts["previous"].get(value, Fact()),
        facts["last_year"].get(value, Fact()),
    )


def _sales_windows(windows: ComparisonWindows) -> dict[str, Period] | None:
    """The elapsed part and both comparable parts; None before the period starts (nothing to test yet)."""
    named = {"current": windows.elapsed, "previous": windows.previous_comparable}
    named["last_year"] = windows.last_year_comparable
    present = {name: period for name, period in named.items() if period is not None}
    return present if len(present) == len(named) else None


CutFacts = dict[SalesCut, dict[str, dict[FactKey, Fact]]]


def _cut_facts(viewer: User, named: dict[str, Period], coverage: Coverage) -> CutFacts:
    """Facts per segment, line and industry × line for the three windows (one query per cut)."""
    return {kind: sales_facts_by(viewer, named, kind, coverage) for kind in SALES_CUTS}


def _sales_trends(
    cut_facts: CutFacts, days: tuple[int, ...], labels: _Labels, alternative: Alternative
) -> list[SalesTrend]:
    """Significant falls ("less") or rises ("greater") of the number of contracts, over all sales cuts."""
    tested: list[tuple[SalesCut, FactKey, Triple]] = []
    for kind, facts in cut_facts.items():
        for value in sorted({value for window in facts.values() for value in window}, key=str):
            triple = _triple(facts, value)
            if _qualifies(triple, alternative):
                tested.append((kind, value, triple))
    p_values = _trend_p_values([triple for _kind, _value, triple in tested], days, alternative)
    candidates = [
        SalesTrend(kind, _key(kind, value), labels.name(kind, value), *triple, p_value, p_value, "")
        for (kind, value, triple), p_value in zip(tested, p_values, strict=True)
    ]
    return [replace(spot, reason=_sales_reason(spot)) for spot in _significant(candidates)]


def _win_rate_reason(spot: WinRateSpot) -> str:
    template = _("Конверсия %(rate)s против %(rest_rate)s у остальных (закрытых сделок: %(closed)s), %(p)s")
    return template % {
        "rate": format_percent(spot.win_rate, 0),
        "rest_rate": format_percent(spot.rest_win_rate, 0),
        "closed": spot.won + spot.lost,
        "p": p_text(spot.adjusted_p_value),
    }


def _units(outcomes: dict[int, Outcome]) -> list[tuple[PeopleCut, str, str, Outcome]]:
    """Regions (by the manager's current team) and managers with their closed deals."""
    people = User.objects.filter(pk__in=list(outcomes)).select_related("team__region").order_by("last_name", "pk")
    regions: dict[int, tuple[str, Outcome]] = {}
    managers: list[tuple[PeopleCut, str, str, Outcome]] = []
    for person in people:
        outcome = outcomes[person.pk]
        managers.append(("manager", f"manager:{person.pk}", person.short_name, outcome))
        if person.team is not None:
            region = person.team.region
            name, before = regions.get(region.pk, (region.name, Outcome()))
            regions[region.pk] = (name, before + outcome)
    by_region: list[tuple[PeopleCut, str, str, Outcome]] = [
        ("region", f"region:{pk}", name, outcome) for pk, (name, outcome) in sorted(regions.items())
    ]
    return by_region + managers


def _low_win_rates(viewer: User, elapsed: Period, coverage: Coverage) -> list[WinRateSpot]:
    """Regions and managers converting significantly worse than the rest of the viewer's scope."""
    outcomes = deal_outcomes_by_manager(viewer, {"current": elapsed}, coverage)["current"]
    everyone = sum(outcomes.values(), Outcome())
    tested = [
        (kind, key, name, unit, Outcome(everyone.won - unit.won, everyone.lost - unit.lost))
        for kind, key, name, unit in _units(outcomes)
        if unit.won + unit.lost >= MIN_CLOSED_DEALS
    ]
    p_values = win_rate_p_values([(unit.won, unit.lost, rest.won, rest.lost) for *_n, unit, rest in tested])
    candidates = [
        WinRateSpot(
            kind, key, name, unit.won, unit.lost, win_rate(unit.won, unit.lost), win_rate(rest.won, rest.lost), p, p, ""
        )
        for (kind, key, name, unit, rest), p in zip(tested, p_values, strict=True)
    ]
    return [replace(spot, reason=_win_rate_reason(spot)) for spot in _significant(candidates)]


def _labels() -> _Labels:
    lines = dict(ProductLine.objects.values_list("pk", "name"))
    return _Labels(lines=lines, industries=dict(Industry.objects.values_list("pk", "name")))


def hot_spots(viewer: User, today: datetime.date, period: Period) -> HotSpots:
    """Falling and rising sales by segment, line and industry × line; regions and managers with a low win rate.

    Computed over the elapsed part of the period and what the viewer may see (see the module docstring).
    """
    windows = comparison_windows(period, today)
    named = _sales_windows(windows)
    if named is None or windows.elapsed is None:
        return HotSpots(period, windows.elapsed, None, None, [], [], [])
    coverage = load_coverage(named.values())
    labels, cut_facts = _labels(), _cut_facts(viewer, named, coverage)
    days = tuple(period.days for period in named.values())
    return HotSpots(
        period=period,
        window=windows.elapsed,
        previous_window=windows.previous_comparable,
        last_year_window=windows.last_year_comparable,
        falling=_sales_trends(cut_facts, days, labels, "less"),
        trend_rising=_sales_trends(cut_facts, days, labels, "greater"),
        low_win_rate=_low_win_rates(viewer, windows.elapsed, coverage),
    )
