"""Pages of client profitability: LTV ranking, loss ratio by industry, toxic clients, score settings, card panel.

Each page reads its filters from GET (`crm.profitability.forms`), calls `crm.profitability.queries` and renders;
the API and the XLSX exports call the same functions with the same forms, so they show the same figures.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from crm.audit.queries import events_for
from crm.audit.services import subject_type_of
from crm.clients.models import Client
from crm.core.periods import today
from crm.core.roles import SALES_ROLES
from crm.org.models import User
from crm.profitability import exports
from crm.profitability.access import get_client_for, may_edit_score_settings, may_view_profitability
from crm.profitability.forms import (
    NO_SEGMENT,
    SEGMENT_CHOICES,
    LossRatioFilterForm,
    LtvFilterForm,
    ReportFilterForm,
    ScoreSettingsForm,
    ToxicFilterForm,
)
from crm.profitability.models import ToxicScoreSettings, current_score_settings
from crm.profitability.queries import client_profile, loss_ratio_report, ltv_ranking, toxic_clients
from crm.profitability.results import LossRatioReport, LtvRanking
from crm.profitability.services import update_score_settings

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
SPARK_HEIGHT = 18
SETTINGS_HISTORY = 10
TOXIC_EXPORT_LIMIT = 1000


class AuthenticatedRequest(HttpRequest):
    user: User


LEVEL_TITLES = {
    "industry": gettext_lazy("Отрасль"),
    "segment": gettext_lazy("Сегмент"),
    "product_line": gettext_lazy("Вид страхования"),
    "client": gettext_lazy("Клиент"),
}


def _viewer(request: AuthenticatedRequest) -> User:
    if not may_view_profitability(request.user):
        raise PermissionDenied
    return request.user


def _card_links(viewer: User) -> bool:
    """Client names link to the card for the sales hierarchy; the risk manager has no client cards."""
    return viewer.role in SALES_ROLES


def spark(values: tuple[Decimal, ...]) -> list[dict[str, Any]]:
    """Bars of the yearly LTVs for an inline SVG: height from the largest |value|, negative ones below the axis."""
    largest = max((abs(value) for value in values), default=Decimal(0)) or Decimal(1)
    half = SPARK_HEIGHT / 2
    bars = []
    for index, value in enumerate(values):
        height = max(1.0, float(abs(value) / largest) * half)
        top = half - height if value >= 0 else half
        bars.append({"x": index * 9, "y": round(top, 1), "height": round(height, 1), "negative": value < 0})
    return bars


def _ltv_context(form: LtvFilterForm, ranking: LtvRanking) -> dict[str, Any]:
    return {
        "form": form,
        "ranking": ranking,
        "rows": [(row, spark(row.yearly_ltv)) for row in ranking.rows],
        "top_query": form.query(order="top"),
        "bottom_query": form.query(order="bottom"),
        "query": form.query(),
        "card_links": _card_links(form.viewer),
    }


@require_GET
def ltv_page(request: AuthenticatedRequest) -> HttpResponse:
    """Top (or bottom) N clients by 3-year LTV with components, contracts, lines and the yearly trend."""
    viewer = _viewer(request)
    form = LtvFilterForm(request.GET, viewer=viewer, today=today())
    order, limit = form.order_and_limit()
    ranking = ltv_ranking(viewer, form.report_date(), form.filters(), order=order, limit=limit)
    return render(request, "profitability/ltv.html", _ltv_context(form, ranking))


def _drill_query(form: ReportFilterForm, report: LossRatioReport, key: str) -> str | None:
    """The address of the next level for a row (None for clients: they link to their card)."""
    if report.level == "industry":
        return form.query(industry=key) if key else None
    if report.level == "segment":
        return form.query(segment=key or NO_SEGMENT)
    if report.level == "product_line":
        return form.query(line=key)
    return None


def _chart(report: LossRatioReport) -> dict[str, Any]:
    rows = report.rows[:30]
    return {
        "names": [row.name for row in rows],
        "lossRatio": [
            None if row.economics.loss_ratio is None else round(float(row.economics.loss_ratio), 3) for row in rows
        ],
        "company": None if report.company.loss_ratio is None else round(float(report.company.loss_ratio), 3),
        "labels": {"lossRatio": _("Коэффициент убыточности"), "company": _("Компания")},
    }


@require_GET
def loss_ratio_page(request: AuthenticatedRequest) -> HttpResponse:
    """Loss ratio by industry → segment → product line → clients, the company-wide figure and a chart."""
    viewer = _viewer(request)
    form = LossRatioFilterForm(request.GET, viewer=viewer, today=today())
    report = loss_ratio_report(viewer, form.window(), form.filters())
    context = {
        "form": form,
        "report": report,
        "rows": [(row, _drill_query(form, report, row.key)) for row in report.rows],
        "chart": _chart(report),
        "crumbs": _crumbs(form),
        "query": form.query(),
        "level_title": LEVEL_TITLES[report.level],
        "card_links": _card_links(viewer),
    }
    return render(request, "profitability/loss_ratio.html", context)


def _crumbs(form: LossRatioFilterForm) -> list[tuple[str, str]]:
    """The drill path (industry, segment, line) as (label, address of that level)."""
    if not form.is_valid():
        return []
    data, crumbs = form.cleaned_data, [(_("Все отрасли"), form.query(industry=None, segment=None, line=None))]
    if data.get("industry"):
        crumbs.append((data["industry"].name, form.query(segment=None, line=None)))
    if data.get("segment"):
        label = dict(SEGMENT_CHOICES).get(data["segment"], "")
        crumbs.append((str(label), form.query(line=None)))
    if data.get("line"):
        crumbs.append((data["line"].name, form.query()))
    return crumbs


@require_GET
def toxic_page(request: AuthenticatedRequest) -> HttpResponse:
    """The clients whose toxic score reaches the threshold, each with its reasons in words."""
    viewer = _viewer(request)
    form = ToxicFilterForm(request.GET, viewer=viewer, today=today())
    toxic = toxic_clients(viewer, form.report_date(), form.filters())
    context = {
        "form": form,
        "toxic": toxic,
        "query": form.query(),
        "can_edit": may_edit_score_settings(viewer),
        "card_links": _card_links(viewer),
    }
    return render(request, "profitability/toxic.html", context)


@require_http_methods(["GET", "POST"])
def settings_page(request: AuthenticatedRequest) -> HttpResponse:
    """The head of sales sets the score's window, guards, thresholds and weights; every change is audited."""
    if not may_edit_score_settings(request.user):
        raise PermissionDenied
    settings = current_score_settings()
    form = ScoreSettingsForm(request.POST or None, instance=current_score_settings())
    if request.method == "POST" and form.is_valid():
        try:
            update_score_settings(actor=request.user, values=form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Настройки оценки «токсичности» сохранены."))
            return redirect("profitability:settings")
    context = {"form": form, "settings": settings, "history": _history(settings), **_settings_layout(form)}
    return render(request, "profitability/settings.html", context)


def _label(name: str) -> str:
    field = ToxicScoreSettings._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _history(settings: ToxicScoreSettings) -> list[tuple[Any, list[tuple[str, Any, Any]]]]:
    """The last changes of the settings, each with (field label, old, new)."""
    events = events_for(subject_type_of(settings), settings.pk)[:SETTINGS_HISTORY]
    return [(event, [(_label(name), old, new) for name, (old, new) in event.changes.items()]) for event in events]


COMPONENT_LABELS = {
    "loss_ratio": gettext_lazy("Убыточность"),
    "claim_frequency": gettext_lazy("Частота убытков к норме по видам страхования"),
    "complaints": gettext_lazy("Жалобы за окно"),
    "discount_share": gettext_lazy("Доля сделок с запросом скидки"),
    "discount_requested": gettext_lazy("Средняя запрошенная скидка"),
    "late_share": gettext_lazy("Доля платежей с просрочкой"),
    "delay_days": gettext_lazy("Средняя просрочка, дней"),
}
GUARDS = ["window_months", "min_exposure_years", "min_earned_premium_amount", "min_deals", "min_instalments"]


def _settings_layout(form: ScoreSettingsForm) -> dict[str, Any]:
    """The form as the page lays it out: the guards, one row per component (threshold, weight), the threshold."""
    components = [
        (label, form[f"{name}_threshold"], form[f"{name}_weight"]) for name, label in COMPONENT_LABELS.items()
    ]
    return {"guards": [form[name] for name in GUARDS], "components": components, "total": form["score_threshold"]}


@require_GET
def client_panel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The profitability panel of a client card (loaded by htmx): LTV, loss ratio, toxic flag and reasons."""
    viewer = _viewer(request)
    try:
        client = get_client_for(viewer, pk)
    except Client.DoesNotExist:
        raise Http404 from None
    profile = client_profile(client, today=today())
    return render(request, "profitability/_panel.html", {"client": client, "profile": profile})


def _ltv_xlsx(viewer: User, params: Any, day: datetime.date, fmt: str) -> tuple[bytes, str]:
    form = LtvFilterForm(params, viewer=viewer, today=day)
    order, limit = form.order_and_limit()
    ranking = ltv_ranking(viewer, form.report_date(), form.filters(), order=order, limit=limit)
    return exports.ltv_xlsx(ranking, fmt), f"ltv-{order}-{ranking.window.last}.{fmt}"


def _loss_ratio_xlsx(viewer: User, params: Any, day: datetime.date, fmt: str) -> tuple[bytes, str]:
    form = LossRatioFilterForm(params, viewer=viewer, today=day)
    report = loss_ratio_report(viewer, form.window(), form.filters())
    window = report.window
    return exports.loss_ratio_xlsx(report, fmt), f"loss-ratio-{report.level}-{window.first}-{window.last}.{fmt}"


def _toxic_xlsx(viewer: User, params: Any, day: datetime.date, fmt: str) -> tuple[bytes, str]:
    form = ToxicFilterForm(params, viewer=viewer, today=day)
    toxic = toxic_clients(viewer, form.report_date(), form.filters(), limit=TOXIC_EXPORT_LIMIT)
    return exports.toxic_xlsx(toxic, fmt), f"toxic-clients-{toxic.window.last}.{fmt}"


EXPORTS = {"ltv": _ltv_xlsx, "loss-ratio": _loss_ratio_xlsx, "toxic": _toxic_xlsx}


@require_GET
def export(request: AuthenticatedRequest, report: str, fmt: str = "xlsx") -> HttpResponse:
    """A report as .xlsx or .csv with the page's filters: `ltv`, `loss-ratio` or `toxic`."""
    viewer = _viewer(request)
    if report not in EXPORTS:
        raise Http404(report)
    content, name = EXPORTS[report](viewer, request.GET, today(), fmt)
    headers = {"Content-Disposition": content_disposition_header(as_attachment=True, filename=name)}
    content_type = CSV_TYPE if fmt == "csv" else XLSX_TYPE
    return HttpResponse(content, content_type=content_type, headers=headers)
