"""REST API of discount rules (routes included from config/api.py).

GET /api/discounts/rules/ (?active=true|false), /api/discounts/rules/<id>/ (with every version),
/api/discounts/versions/<id>/ — read, for the sales hierarchy (the head sees every rule, others the active
ones; others 403). POST /api/discounts/check/ answers whether a discount for a client and product would pass
the rules — for integrations and quoting tools; the client must be one the caller sees. Rules are written
in the UI by the head of sales (crm.discounts.views).
"""

from typing import cast

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.clients.access import clients_visible_to
from crm.core.periods import today
from crm.discounts import queries, services
from crm.discounts.access import get_rule_for, may_view_rules, rules_visible_to, versions_visible_to
from crm.discounts.serializers import (
    DiscountCheckRequestSerializer,
    DiscountCheckResultSerializer,
    DiscountRuleDetailSerializer,
    DiscountRuleSerializer,
    DiscountRuleVersionSerializer,
)
from crm.org.models import User

ACTIVE_VALUES = {"true": True, "1": True, "false": False, "0": False}


def _viewer(request: Request) -> User:
    user = cast(User, request.user)
    if not may_view_rules(user):
        raise PermissionDenied("Правила скидок доступны только отделу продаж.")
    return user


class RuleListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("active", bool, description="true — действующие, false — отключённые")],
        responses=DiscountRuleSerializer(many=True),
        summary="Правила скидок с текущими версиями",
    )
    def get(self, request: Request) -> Response:
        rules = rules_visible_to(_viewer(request))
        active = ACTIVE_VALUES.get(request.query_params.get("active", "").lower())
        rows = queries.rule_rows(rules, today=today(), active=active)
        return Response(DiscountRuleSerializer(rows, many=True).data)


class RuleDetailApi(APIView):
    @extend_schema(responses=DiscountRuleDetailSerializer, summary="Правило скидок и история его версий")
    def get(self, request: Request, pk: int) -> Response:
        viewer = _viewer(request)
        rule = get_rule_for(viewer, pk)
        row = queries.rule_rows(rules_visible_to(viewer).filter(pk=rule.pk), today=today())[0]
        versions = [history.version for history in queries.rule_history(rule)]
        body = {"rule": row.rule, "version": row.version, "status": row.status, "in_force": row.in_force}
        return Response(DiscountRuleDetailSerializer({**body, "versions": versions}).data)


class VersionDetailApi(APIView):
    @extend_schema(responses=DiscountRuleVersionSerializer, summary="Версия правила скидок (на неё ссылаются сделки)")
    def get(self, request: Request, pk: int) -> Response:
        versions = versions_visible_to(_viewer(request)).select_related("author")
        version = versions.prefetch_related(*queries.VERSION_M2M).get(pk=pk)
        return Response(DiscountRuleVersionSerializer(version).data)


class CheckApi(APIView):
    @extend_schema(
        request=DiscountCheckRequestSerializer,
        responses=DiscountCheckResultSerializer,
        summary="Пройдёт ли скидка правила (клиент, продукт, скидка)",
    )
    def post(self, request: Request) -> Response:
        user = _viewer(request)
        body = DiscountCheckRequestSerializer(data=request.data, clients=clients_visible_to(user))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        terms = {"client": data["client"], "product": data["product"], "on_date": data.get("on_date") or today()}
        violated = services.check_discount(**terms, rate=data["rate"])
        rule = violated or services.applicable_rule(**terms)
        message = services.violation_message(violated, data["rate"], data["client"]) if violated else ""
        return Response(
            DiscountCheckResultSerializer({"allowed": violated is None, "message": message, "rule": rule}).data
        )


urlpatterns = [
    path("discounts/rules/", RuleListApi.as_view(), name="api-discount-rules"),
    path("discounts/rules/<int:pk>/", RuleDetailApi.as_view(), name="api-discount-rule"),
    path("discounts/versions/<int:pk>/", VersionDetailApi.as_view(), name="api-discount-rule-version"),
    path("discounts/check/", CheckApi.as_view(), name="api-discount-check"),
]
