"""What the dashboard loads before assembling: facts per manager, the hierarchy, plans, deal outcomes."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from crm.analytics.queries.deals import deal_outcomes_by_manager
from crm.analytics.queries.facts import FactKey, PlanBook, load_plans, sales_facts_by
from crm.analytics.queries.sources import Coverage, load_coverage
from crm.analytics.queries.structure import NodeSpec, viewer_structure
from crm.analytics.results import Fact, Kpis, Outcome
from crm.analytics.sales import ComparisonWindows, average_premium, plan_figures
from crm.core.periods import Period
from crm.org.models import User


def default_threshold() -> Decimal:
    """The deviation that flags a node unless the head sets another (settings.CRM_DEVIATION_THRESHOLD)."""
    return Decimal(settings.CRM_DEVIATION_THRESHOLD)


def plan_key(spec: NodeSpec) -> str | None:
    """The scope key to look plans up by; None for the synthetic node that has no plan."""
    return spec.key if spec.has_plan else None


@dataclass(frozen=True)
class Inputs:
    """What the dashboard loaded, shared by the functions that assemble it."""

    windows: ComparisonWindows
    today: datetime.date
    threshold: Decimal
    facts: Mapping[str, Mapping[FactKey, Fact]]
    outcomes: Mapping[str, Mapping[int, Outcome]]
    plans: PlanBook
    coverage: Coverage
    """The months read from the roll-ups (loaded once for every query of the dashboard)."""

    def fact(self, window: str, manager_ids: Iterable[int]) -> Fact:
        """Σ of the people's facts in a named window."""
        facts = self.facts.get(window, {})
        return sum((facts.get(pk, Fact()) for pk in manager_ids), Fact())

    def outcome(self, window: str, manager_ids: Iterable[int]) -> Outcome:
        """Σ of the people's closed deals in a named window."""
        outcomes = self.outcomes.get(window, {})
        return sum((outcomes.get(pk, Outcome()) for pk in manager_ids), Outcome())

    def kpis(self, period: Period, fact: Fact, scope_key: str | None, product_line_id: int | None = None) -> Kpis:
        """Figures of a scope over a period against its own plan rows (None key: no plan), never its parts'."""
        amounts = None if scope_key is None else self.plans.amounts(scope_key, product_line_id)
        counts = None if scope_key is None else self.plans.counts(scope_key, product_line_id)
        return Kpis(
            period=period,
            amount=plan_figures(fact.amount, amounts, period, self.today, self.threshold),
            count=plan_figures(Decimal(fact.count), counts, period, self.today, self.threshold),
            average_premium=average_premium(fact.amount, fact.count),
        )


def manager_windows(windows: ComparisonWindows) -> dict[str, Period]:
    """The windows the facts per manager are loaded for (comparable parts are absent before the period starts)."""
    named = {
        "current": windows.current,
        "previous": windows.previous,
        "last_year": windows.last_year,
        "previous_comparable": windows.previous_comparable,
        "last_year_comparable": windows.last_year_comparable,
    }
    return {name: period for name, period in named.items() if period is not None}


def load_inputs(
    viewer: User, windows: ComparisonWindows, today: datetime.date, threshold: Decimal
) -> tuple[NodeSpec, Inputs]:
    """The viewer's hierarchy and everything its figures need, in seven queries at most."""
    coverage = load_coverage([windows.current, windows.previous, windows.last_year])
    facts = sales_facts_by(viewer, manager_windows(windows), "manager", coverage)
    root = viewer_structure(viewer, {pk for window in facts.values() for pk in window})
    plans = load_plans([windows.current, windows.previous, windows.last_year], root.plan_keys())
    outcome_windows = {"current": windows.current, "previous": windows.previous_comparable}
    present = {name: period for name, period in outcome_windows.items() if period is not None}
    outcomes = deal_outcomes_by_manager(viewer, present, coverage)
    return root, Inputs(windows, today, threshold, facts, outcomes, plans, coverage)
