"""REST API of the sales dashboard (routes: include `urlpatterns` from config/api.py).

GET /api/dashboard/ — KPIs, forecast, dynamics, trend, hierarchy and cuts; /api/dashboard/hot-spots/ — hot
spots; /api/dashboard/managers/<id>/deals/ — a manager's contracts and open deals. The period comes as
?period=month|quarter|year|custom with year, month, quarter or first/last (default: the current quarter).
Only the sales hierarchy may call (others 403), each over what it may see; a manager outside the caller's
scope is 404 like a missing one. Bad parameters are 400 with field errors (crm.core.api).
"""

import datetime
from typing import Any, cast

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.analytics.access import may_view_dashboard
from crm.analytics.queries import dashboard, hot_spots, manager_deals
from crm.analytics.serializers import (
    DashboardQuerySerializer,
    DashboardSerializer,
    HotSpotsSerializer,
    ManagerDealsSerializer,
    PeriodQuerySerializer,
)
from crm.core.periods import today
from crm.org.models import User

PERIOD_PARAMETERS = [
    OpenApiParameter("period", str, enum=["month", "quarter", "year", "custom"], description="По умолчанию — квартал"),
    OpenApiParameter("year", int, description="По умолчанию — текущий"),
    OpenApiParameter("quarter", int, description="1–4, для period=quarter; по умолчанию — текущий"),
    OpenApiParameter("month", int, description="1–12, для period=month; по умолчанию — текущий"),
    OpenApiParameter("first", OpenApiTypes.DATE, description="Начало, для period=custom"),
    OpenApiParameter("last", OpenApiTypes.DATE, description="Конец (включительно), для period=custom"),
]
THRESHOLD_PARAMETER = OpenApiParameter(
    "threshold", OpenApiTypes.DECIMAL, description="Порог отклонения в долях (0.1 = 10 %)"
)


def _viewer(request: Request) -> User:
    user = cast(User, request.user)
    if not may_view_dashboard(user):
        raise PermissionDenied("Аналитика продаж доступна только отделу продаж.")
    return user


def _params(request: Request, serializer_class: type[PeriodQuerySerializer], day: datetime.date) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params.dict(), context={"today": day})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class DashboardApi(APIView):
    @extend_schema(
        parameters=[*PERIOD_PARAMETERS, THRESHOLD_PARAMETER],
        responses=DashboardSerializer,
        summary="Дашборд продаж: план/факт, прогноз, динамика, иерархия, разрезы",
    )
    def get(self, request: Request) -> Response:
        viewer, day = _viewer(request), today()
        params = _params(request, DashboardQuerySerializer, day)
        result = dashboard(viewer, params["value"], day, params.get("threshold"))
        return Response(DashboardSerializer(result).data)


class HotSpotsApi(APIView):
    @extend_schema(parameters=PERIOD_PARAMETERS, responses=HotSpotsSerializer, summary="«Горящие точки»")
    def get(self, request: Request) -> Response:
        viewer, day = _viewer(request), today()
        params = _params(request, PeriodQuerySerializer, day)
        return Response(HotSpotsSerializer(hot_spots(viewer, day, params["value"])).data)


class ManagerDealsApi(APIView):
    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses=ManagerDealsSerializer,
        summary="Договоры менеджера за период и его открытые сделки",
    )
    def get(self, request: Request, pk: int) -> Response:
        viewer, day = _viewer(request), today()
        params = _params(request, PeriodQuerySerializer, day)
        return Response(ManagerDealsSerializer(manager_deals(viewer, pk, params["value"], day)).data)


urlpatterns = [
    path("dashboard/", DashboardApi.as_view(), name="api-dashboard"),
    path("dashboard/hot-spots/", HotSpotsApi.as_view(), name="api-dashboard-hot-spots"),
    path("dashboard/managers/<int:pk>/deals/", ManagerDealsApi.as_view(), name="api-dashboard-manager-deals"),
]
