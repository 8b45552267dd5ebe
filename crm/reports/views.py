"""Printable and downloadable reports: the dashboard and client profitability as PDF, drill-down tables as CSV.

Both read the period the way the dashboard page does and call the same query (`crm.analytics.queries
.dashboard`), so the PDF, the CSV, the XLSX and the screen show the same figures. Adding a PDF report is a
view like `dashboard_pdf`: build the context from the report's query, render a template that extends
`reports/base_report.html`.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.analytics.access import may_view_dashboard
from crm.analytics.exports import FigureRow, drilldown_spec, row_values
from crm.analytics.forms import DashboardForm, period_label
from crm.analytics.queries import dashboard
from crm.analytics.results import Dashboard, TreeNode
from crm.core.exports import csv_response
from crm.core.periods import Period, today
from crm.core.roles import Role
from crm.org.models import User
from crm.profitability.access import may_view_profitability
from crm.profitability.forms import LossRatioFilterForm
from crm.profitability.queries import loss_ratio_report, ltv_ranking, toxic_clients
from crm.reports.charts import Series, monthly_chart
from crm.reports.pdf import pdf_response, render_pdf

FLAGGED_SHOWN = 20
PDF_TOP = 20
LEVEL_ORDER = {"company": 0, "scope": 0, "region": 1, "team": 2, "manager": 3}


class AuthenticatedRequest(HttpRequest):
    user: User


def _selection(request: AuthenticatedRequest) -> tuple[DashboardForm, Period, Decimal | None]:
    """The period asked for, read as on the dashboard page; 403 outside the sales hierarchy."""
    viewer = request.user
    if not may_view_dashboard(viewer):
        raise PermissionDenied
    form = DashboardForm(request.GET, today=today(), may_set_threshold=viewer.role == Role.HEAD_OF_SALES)
    period, threshold = form.selection()
    return form, period, threshold


def _bad_period(form: DashboardForm) -> HttpResponseBadRequest:
    errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
    return HttpResponseBadRequest(_("Неверные параметры периода: %(errors)s") % {"errors": errors})


def _chart(result: Dashboard) -> str:
    labels = [f"{MONTHS_3[point.month.month]} {point.month:%y}" for point in result.trend]
    return monthly_chart(
        labels,
        Series(_("Факт"), [point.fact.amount for point in result.trend]),
        [
            Series(_("План"), [point.plan_amount for point in result.trend]),
            Series(_("Факт год назад"), [point.last_year_fact.amount for point in result.trend]),
        ],
    )


def _flagged(result: Dashboard) -> list[TreeNode]:
    return sorted(result.flagged_nodes(), key=lambda node: LEVEL_ORDER[node.level])[:FLAGGED_SHOWN]


@require_GET
def dashboard_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """The dashboard of the chosen period as a printable PDF (KPIs, forecast, trend, hierarchy, cuts, flags)."""
    form, period, threshold = _selection(request)
    if not form.is_valid():
        return _bad_period(form)
    result = dashboard(request.user, period, today(), threshold)
    context: dict[str, Any] = {
        "title": _("Продажи: план и факт"),
        "subtitle": f"{period_label(result.period)} · {result.tree.name}",
        "printed_by": request.user,
        "printed_at": timezone.localtime(),
        "result": result,
        "chart": _chart(result),
        "children": result.tree.children,
        "flagged": _flagged(result),
    }
    name = f"dashboard-{result.period.first}-{result.period.last}.pdf"
    return pdf_response(render_pdf("reports/dashboard.html", context), name)


def _table(result: Dashboard, table: str, key: str) -> tuple[Sequence[FigureRow], str]:
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
def drilldown_csv(request: AuthenticatedRequest, table: str) -> HttpResponseBase:
    """A drill-down table (hierarchy level `?node=`, product lines or segments) as CSV, like its XLSX."""
    form, period, threshold = _selection(request)
    if not form.is_valid():
        return _bad_period(form)
    result = dashboard(request.user, period, today(), threshold)
    key = request.GET.get("node") or result.tree.key
    rows, title = _table(result, table, key)
    scope = f"-{key.replace(':', '-')}" if table == "hierarchy" else ""
    name = f"plan-fact-{table}{scope}-{result.period.first}-{result.period.last}.csv"
    return csv_response(drilldown_spec(title), (row_values(row) for row in rows), name)


@require_GET
def profitability_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """Client profitability for management: Top-20 by 3-year LTV, loss ratio by the filters' level, toxic clients.

    Reads the filters the way the profitability pages do and calls the same queries, so the PDF, the pages,
    the API and the XLSX show the same figures.
    """
    viewer = request.user
    if not may_view_profitability(viewer):
        raise PermissionDenied
    form = LossRatioFilterForm(request.GET, viewer=viewer, today=today())
    filters, report_date = form.filters(), today()
    ranking = ltv_ranking(viewer, report_date, filters, order="top", limit=PDF_TOP)
    context: dict[str, Any] = {
        "title": _("Прибыльность клиентов"),
        "subtitle": _("на %(date)s") % {"date": f"{report_date:%d.%m.%Y}"},
        "printed_by": viewer,
        "printed_at": timezone.localtime(),
        "ranking": ranking,
        "report": loss_ratio_report(viewer, form.window(), filters),
        "toxic": toxic_clients(viewer, report_date, filters),
    }
    return pdf_response(render_pdf("reports/profitability.html", context), f"profitability-{report_date}.pdf")
