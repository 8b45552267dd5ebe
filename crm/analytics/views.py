"""Pages of the head-of-sales dashboard: the dashboard, one drill-down level, the XLSX of a drill-down table.

Each view reads the period from the GET parameters, calls `crm.analytics.queries` and renders: the page, the
API and the export show the same figures because they call the same functions; views only format. The
drill-down is plain links (/dashboard/node/<key>/); with htmx a level replaces the panel in place.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.dates import MONTHS_3
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from crm.analytics.access import may_view_dashboard
from crm.analytics.exports import FigureRow, drilldown_xlsx
from crm.analytics.forms import DashboardForm, period_label
from crm.analytics.queries import dashboard, hot_spots, manager_deals
from crm.analytics.results import ContractRow, Dashboard, ManagerDeals, TreeNode, TrendPoint
from crm.analytics.sales import elapsed_days
from crm.core.htmx import render_page_or_partial
from crm.core.periods import Period, today
from crm.core.roles import Role
from crm.org.models import User
from crm.policies.models import ContractStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_ORDER = {"company": 0, "scope": 0, "region": 1, "team": 2, "manager": 3}
FLAGGED_SHOWN = 15


class AuthenticatedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


@dataclass(frozen=True)
class Selection:
    """Who looks, on which day, at which period and threshold (None: the department's default)."""

    viewer: User
    today: datetime.date
    form: DashboardForm
    period: Period
    threshold: Decimal | None

    def dashboard(self) -> Dashboard:
        return dashboard(self.viewer, self.period, self.today, self.threshold)


def _select(request: AuthenticatedRequest) -> Selection:
    """The viewer (403 outside the sales hierarchy) and the period asked for."""
    viewer, day = request.user, today()
    if not may_view_dashboard(viewer):
        raise PermissionDenied
    form = DashboardForm(request.GET, today=day, may_set_threshold=viewer.role == Role.HEAD_OF_SALES)
    period, threshold = form.selection()
    return Selection(viewer, day, form, period, threshold)


def _path(node: TreeNode, key: str) -> list[TreeNode]:
    """The nodes from `node` down to the one with `key` (the breadcrumbs); empty when it is not below."""
    if node.key == key:
        return [node]
    for child in node.children:
        found = _path(child, key)
        if found:
            return [node, *found]
    return []


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value))


def _chart(trend: list[TrendPoint]) -> dict[str, Any]:
    """The monthly trend as plain numbers for ECharts, with the series' names."""
    return {
        "months": [f"{MONTHS_3[point.month.month]} {point.month.year}" for point in trend],
        "fact": [_number(point.fact.amount) for point in trend],
        "plan": [_number(point.plan_amount) for point in trend],
        "lastYear": [_number(point.last_year_fact.amount) for point in trend],
        "names": {"fact": _("Факт"), "plan": _("План"), "lastYear": _("Факт год назад")},
    }


def _page(selection: Selection, result: Dashboard) -> dict[str, Any]:
    return {
        "form": selection.form,
        "result": result,
        "query": selection.form.query(),
        "period_label": period_label(result.period),
        "elapsed_days": elapsed_days(result.period, result.today),
    }


def _contract_rows(deals: ManagerDeals | None) -> list[tuple[ContractRow, str]]:
    return [(row, str(ContractStatus(row.status).label)) for row in deals.contracts] if deals else []


def _drilldown(selection: Selection, result: Dashboard, node: TreeNode) -> dict[str, Any]:
    """One level: the node and its children (the table exported as XLSX), or a manager's contracts and deals."""
    deals = None
    if node.level == "manager":
        manager_id = int(node.key.removeprefix("manager:"))
        deals = manager_deals(selection.viewer, manager_id, selection.period, selection.today)
    return {
        "node": node,
        "rows": [node, *node.children],
        "crumbs": _path(result.tree, node.key),
        "deals": deals,
        "contract_rows": _contract_rows(deals),
    }


def _flagged(result: Dashboard) -> dict[str, Any]:
    """The first flagged nodes, regions first, then teams, then managers (each in the hierarchy's order)."""
    flagged = sorted(result.flagged_nodes(), key=lambda node: LEVEL_ORDER[node.level])
    shown = flagged[:FLAGGED_SHOWN]
    return {"flagged": shown, "flagged_count": len(flagged), "flagged_rest": len(flagged) - len(shown)}


@require_GET
def dashboard_page(request: AuthenticatedRequest) -> HttpResponse:
    """The viewer's dashboard: KPIs, forecast, dynamics, trend, hierarchy with drill-down, cuts, hot spots."""
    selection = _select(request)
    result = selection.dashboard()
    context = {
        **_page(selection, result),
        **_drilldown(selection, result, result.tree),
        **_flagged(result),
        "hot_spots": hot_spots(selection.viewer, selection.today, selection.period),
        "chart": _chart(result.trend),
    }
    return render(request, "analytics/dashboard.html", context)


@require_GET
def node_page(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """One drill-down level (a whole page, or only the panel for htmx); 404 outside the viewer's scope."""
    selection = _select(request)
    result = selection.dashboard()
    node = result.tree.find(key)
    if node is None:
        raise Http404(key)
    context = {**_page(selection, result), **_drilldown(selection, result, node)}
    return render_page_or_partial(request, "analytics/node.html", "drilldown", context)


def _export_table(result: Dashboard, table: str, key: str) -> tuple[Sequence[FigureRow], str]:
    """The rows and title of a drill-down table, exactly as the page shows them."""
    if table == "hierarchy":
        node = result.tree.find(key)
        if node is None:
            raise Http404(key)
        return [node, *node.children], node.name
    if table == "product-lines":
        return result.by_product_line, _("Виды страхования")
    if table == "segments":
        return result.by_segment, _("Сегменты клиентов")
    raise Http404(table)


@require_GET
def export(request: AuthenticatedRequest, table: str) -> HttpResponse:
    """A drill-down table (hierarchy level `?node=`, product lines or segments) as .xlsx; 400 on bad params."""
    selection = _select(request)
    if not selection.form.is_valid():
        errors = "; ".join(str(error) for errors in selection.form.errors.values() for error in errors)
        return HttpResponseBadRequest(_("Неверные параметры периода: %(errors)s") % {"errors": errors})
    result = selection.dashboard()
    key = request.GET.get("node") or result.tree.key
    rows, title = _export_table(result, table, key)
    scope = f"-{key.replace(':', '-')}" if table == "hierarchy" else ""
    name = f"plan-fact-{table}{scope}-{result.period.first}-{result.period.last}.xlsx"
    headers = {"Content-Disposition": content_disposition_header(as_attachment=True, filename=name)}
    return HttpResponse(drilldown_xlsx(rows, title=title), content_type=XLSX_TYPE, headers=headers)
