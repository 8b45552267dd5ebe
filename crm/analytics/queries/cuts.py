"""The dashboard's cuts of the viewer's scope: by product line (with plans where set) and by client segment.

A line's plan is the root scope's own plan for that line (`company` × line for the head of sales; a team's
per-line plan for its senior); segments have no plans. The product line and the segment are the contract's
product's line and its client's **current** segment (the client's turnover may have changed since).
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from crm.analytics.queries.facts import FactKey, sales_facts_by
from crm.analytics.queries.inputs import Inputs, plan_key
from crm.analytics.queries.structure import NodeSpec
from crm.analytics.results import CutRow, Fact
from crm.analytics.sales import compare
from crm.catalog.models import ProductLine
from crm.clients.models import Segment
from crm.core.periods import Period
from crm.org.models import User


def cut_windows(inputs: Inputs) -> dict[str, Period]:
    """The period and the comparable parts of the comparison periods (absent before the period starts)."""
    windows = inputs.windows
    named = {"current": windows.current, "previous": windows.previous_comparable}
    named["last_year"] = windows.last_year_comparable
    return {name: period for name, period in named.items() if period is not None}


def _row(
    key: str,
    name: str,
    facts: Mapping[str, Mapping[FactKey, Fact]],
    value: FactKey,
    inputs: Inputs,
    plan: tuple[str | None, int | None],
) -> CutRow:
    current = facts["current"].get(value, Fact())
    previous = facts["previous"].get(value, Fact()) if "previous" in facts else None
    last_year = facts["last_year"].get(value, Fact()) if "last_year" in facts else None
    kpis = inputs.kpis(inputs.windows.current, current, *plan)
    return CutRow(
        key=key,
        name=name,
        amount=kpis.amount,
        count=kpis.count,
        previous=previous,
        last_year=last_year,
        change_vs_previous=compare(current.amount, previous.amount if previous else None),
        change_vs_last_year=compare(current.amount, last_year.amount if last_year else None),
    )


def _sold_in_any(facts: Mapping[str, Mapping[FactKey, Fact]], value: FactKey) -> bool:
    return any(value in window for window in facts.values())


def line_rows(viewer: User, root: NodeSpec, inputs: Inputs) -> list[CutRow]:
    """Product lines with sales in any window or a plan of the root scope, in catalogue order (2 queries)."""
    facts = sales_facts_by(viewer, cut_windows(inputs), "product_line", inputs.coverage)
    scope_key = plan_key(root)
    rows = []
    for line in ProductLine.objects.order_by("position", "name"):
        has_plan = scope_key is not None and inputs.plans.amounts(scope_key, line.pk) is not None
        if has_plan or _sold_in_any(facts, line.pk):
            rows.append(_row(f"product_line:{line.pk}", line.name, facts, line.pk, inputs, (scope_key, line.pk)))
    return rows


def segment_rows(viewer: User, inputs: Inputs) -> list[CutRow]:
    """Every client segment, smallest first, plus «Без сегмента» when such clients bought (1 query)."""
    facts = sales_facts_by(viewer, cut_windows(inputs), "segment", inputs.coverage)
    segments: list[tuple[str, str]] = [(code, str(label)) for code, label in Segment.choices]
    if _sold_in_any(facts, ""):
        segments.append(("", _("Без сегмента")))
    return [_row(f"segment:{code}", label, facts, code, inputs, (None, None)) for code, label in segments]
