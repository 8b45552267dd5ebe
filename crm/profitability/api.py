"""REST API of client profitability (routes: include `urlpatterns` from config/api.py).

GET /api/profitability/ltv/ — top or bottom clients by 3-year LTV; /api/profitability/loss-ratio/ — loss ratio
by industry → segment → product line → clients with the company-wide figure; /api/profitability/toxic/ — toxic
clients with their reasons; /api/profitability/clients/<id>/ — one client's profile. Filters are the pages'
(crm.profitability.forms). The head of sales, senior managers, managers and the risk manager may call (others
403), each over the clients they may see; a client outside the caller's scope is 404. Bad parameters: 400
with field errors (crm.core.api).
"""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.core.periods import today
from crm.org.models import User
from crm.profitability.access import get_client_for, may_view_profitability
from crm.profitability.forms import LossRatioFilterForm, LtvFilterForm, ReportFilterForm, ToxicFilterForm
from crm.profitability.queries import client_profile, loss_ratio_report, ltv_ranking, toxic_clients
from crm.profitability.serializers import (
    ClientProfitabilitySerializer,
    LossRatioReportSerializer,
    LtvRankingSerializer,
    ToxicListSerializer,
)

FILTERS = [
    OpenApiParameter("industry", int, description="id отрасли клиента"),
    OpenApiParameter("segment", str, enum=["micro", "small", "medium", "large", "key", "none"]),
    OpenApiParameter("region", int, description="id региона клиента"),
    OpenApiParameter("team", int, description="id команды менеджера клиента"),
    OpenApiParameter("manager", int, description="id менеджера клиента"),
    OpenApiParameter("line", int, description="id вида страхования"),
]
ON = OpenApiParameter("on", OpenApiTypes.DATE, description="Дата отчёта (конец окна); по умолчанию — сегодня")


def _viewer(request: Request) -> User:
    user = cast(User, request.user)
    if not may_view_profitability(user):
        raise PermissionDenied("Отчёты о прибыльности доступны отделу продаж и риск-менеджеру.")
    return user


def _valid[F: ReportFilterForm](form: F) -> F:
    if not form.is_valid():
        raise ValidationError({name: [str(error) for error in errors] for name, errors in form.errors.items()})
    return form


def _params(request: Request) -> Any:
    return request.query_params


class LtvApi(APIView):
    @extend_schema(
        parameters=[
            *FILTERS,
            ON,
            OpenApiParameter("order", str, enum=["top", "bottom"], description="top — лучшие, bottom — худшие"),
            OpenApiParameter("limit", int, description="Сколько клиентов (по умолчанию 20, не больше 500)"),
        ],
        responses=LtvRankingSerializer,
        summary="Клиенты по LTV за 3 года: лучшие или худшие N",
    )
    def get(self, request: Request) -> Response:
        viewer = _viewer(request)
        form = _valid(LtvFilterForm(_params(request), viewer=viewer, today=today()))
        order, limit = form.order_and_limit()
        ranking = ltv_ranking(viewer, form.report_date(), form.filters(), order=order, limit=limit)
        return Response(LtvRankingSerializer(ranking).data)


class LossRatioApi(APIView):
    @extend_schema(
        parameters=[
            *FILTERS,
            OpenApiParameter("first", OpenApiTypes.DATE, description="Начало периода; по умолчанию — 36 мес. назад"),
            OpenApiParameter(
                "last", OpenApiTypes.DATE, description="Конец периода (включительно); по умолчанию — сегодня"
            ),
        ],
        responses=LossRatioReportSerializer,
        summary="Убыточность: отрасль → сегмент → вид страхования → клиенты",
    )
    def get(self, request: Request) -> Response:
        viewer = _viewer(request)
        form = _valid(LossRatioFilterForm(_params(request), viewer=viewer, today=today()))
        return Response(LossRatioReportSerializer(loss_ratio_report(viewer, form.window(), form.filters())).data)


class ToxicApi(APIView):
    @extend_schema(parameters=[*FILTERS, ON], responses=ToxicListSerializer, summary="«Токсичные» клиенты и причины")
    def get(self, request: Request) -> Response:
        viewer = _viewer(request)
        form = _valid(ToxicFilterForm(_params(request), viewer=viewer, today=today()))
        return Response(ToxicListSerializer(toxic_clients(viewer, form.report_date(), form.filters())).data)


class ClientProfileApi(APIView):
    @extend_schema(responses=ClientProfitabilitySerializer, summary="Прибыльность и оценка одного клиента")
    def get(self, request: Request, pk: int) -> Response:
        client = get_client_for(_viewer(request), pk)
        return Response(ClientProfitabilitySerializer(client_profile(client, today=today())).data)


urlpatterns = [
    path("profitability/ltv/", LtvApi.as_view(), name="api-profitability-ltv"),
    path("profitability/loss-ratio/", LossRatioApi.as_view(), name="api-profitability-loss-ratio"),
    path("profitability/toxic/", ToxicApi.as_view(), name="api-profitability-toxic"),
    path("profitability/clients/<int:pk>/", ClientProfileApi.as_view(), name="api-profitability-client"),
]
