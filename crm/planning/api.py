"""REST API of sales plans (routes included from config/api.py).

GET /api/plans/?year=&scope=&product_line= returns the grid the caller may see (head of sales: every
level; senior manager: their teams and people). PUT /api/plans/ (head of sales only) saves cells through
the same service as the editor: all or nothing, errors keyed by cell (`amount__team:3__7`).
"""

from typing import Any, cast

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from crm.catalog.models import ProductLine
from crm.core.periods import today
from crm.org.models import User
from crm.planning import queries, services
from crm.planning.access import may_edit_plans, may_view_plans, plan_targets_for, scopes_visible_to
from crm.planning.models import PlanScope
from crm.planning.queries import PlanGrid


class PlanAmountSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    contracts_count = serializers.DecimalField(max_digits=12, decimal_places=2)


class PlanCellSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    contracts_count = serializers.IntegerField(allow_null=True)


class PlanRowSerializer(serializers.Serializer):
    target = serializers.CharField(source="target.key")
    name = serializers.CharField(source="target.label")
    months = PlanCellSerializer(many=True)
    quarters = serializers.ListField(
        child=PlanAmountSerializer(allow_null=True), help_text="I–IV кв.; null — плана нет"
    )
    year = PlanAmountSerializer(allow_null=True)


class PlanGridSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    scope = serializers.ChoiceField(choices=PlanScope.choices)
    product_line = serializers.IntegerField(source="product_line.pk", read_only=True, allow_null=True)
    rows = PlanRowSerializer(many=True)


class PlanSelectionSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    scope = serializers.ChoiceField(choices=PlanScope.choices)
    product_line = serializers.PrimaryKeyRelatedField(
        queryset=ProductLine.objects.all(), required=False, allow_null=True, help_text="Пусто — общий план."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.context.get("user")
        if user is not None:
            cast(serializers.ChoiceField, self.fields["scope"]).choices = [
                (scope, PlanScope(scope).label) for scope in scopes_visible_to(user)
            ]


class PlanCellInputSerializer(serializers.Serializer):
    target = serializers.CharField(help_text="Ключ строки: company, region:<id>, team:<id>, manager:<id>")
    month = serializers.IntegerField(min_value=1, max_value=12)
    amount = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="«12 000,50» или 12000.5"
    )
    contracts_count = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class PlanPutSerializer(PlanSelectionSerializer):
    cells = PlanCellInputSerializer(many=True)


def _user(request: Request) -> User:
    return cast(User, request.user)


def _grid(user: User, year: int, scope: str, product_line: ProductLine | None = None) -> PlanGrid:
    return queries.plan_grid(year, scope, product_line, plan_targets_for(user, scope))


class PlanGridApi(GenericAPIView):
    serializer_class = PlanGridSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="По умолчанию — текущий"),
            OpenApiParameter("scope", str, enum=PlanScope.values, description="По умолчанию — первый доступный"),
            OpenApiParameter("product_line", int, description="Пусто — общий план"),
        ],
        responses=PlanGridSerializer,
        summary="Планы продаж: год × уровень × вид страхования",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        if not may_view_plans(user):
            raise PermissionDenied("Нет доступа к планам продаж.")
        defaults = {"year": today().year, "scope": (scopes_visible_to(user) or [""])[0]}
        selection = PlanSelectionSerializer(data={**defaults, **request.query_params.dict()}, context={"user": user})
        selection.is_valid(raise_exception=True)
        return Response(PlanGridSerializer(_grid(user, **selection.validated_data)).data)

    @extend_schema(request=PlanPutSerializer, responses=PlanGridSerializer, summary="Сохранить планы (всё или ничего)")
    def put(self, request: Request) -> Response:
        user = _user(request)
        if not may_edit_plans(user):
            raise PermissionDenied("Планы устанавливает только начальник отдела продаж.")
        body = PlanPutSerializer(data=request.data, context={"user": user})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        selection = {"year": data["year"], "scope": data["scope"], "product_line": data.get("product_line")}
        services.set_plans(actor=user, cells=[services.PlanCellInput(**cell) for cell in data["cells"]], **selection)
        return Response(PlanGridSerializer(_grid(user, **selection)).data)


urlpatterns = [path("plans/", PlanGridApi.as_view(), name="api-plans")]
