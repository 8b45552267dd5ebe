"""REST API of the funnel (routes included from config/api.py): deals, read and written through the services.

Access is the UI's: a deal the caller may not see answers 404, exactly like a missing one; roles with no
access to deals at all get 403 on the list. Errors are structured JSON (crm.core.api); a discount above
the maximum of a discount rule answers 400 with code `discount_rule_violated` and the rule and version
(crm.discounts.serializers.violation_body).
"""

from collections.abc import Callable
from typing import Any, cast

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from crm.catalog.models import Product, Risk
from crm.clients.access import clients_visible_to
from crm.clients.models import Client, LeadSource
from crm.core.periods import today
from crm.discounts.serializers import DiscountRuleViolationSerializer, violation_body
from crm.discounts.services import DiscountRuleViolation
from crm.org.models import User
from crm.pipeline import queries, services
from crm.pipeline.access import (
    deals_visible_to,
    get_deal_for,
    may_view_deals,
    may_write_deals,
)
from crm.pipeline.forms import DealFilterForm
from crm.pipeline.models import Deal, DealKind, LostReason, Stage


class DealRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class DealClientSerializer(DealRefSerializer):
    inn = serializers.CharField()


class DealProductSerializer(DealRefSerializer):
    product_line = serializers.CharField(source="product_line.name")


class DealSerializer(serializers.ModelSerializer):
    client = DealClientSerializer()
    product = DealProductSerializer()
    manager = DealRefSerializer()
    stage = DealRefSerializer()
    effective_probability = serializers.DecimalField(max_digits=5, decimal_places=4)
    requested_risks = serializers.ManyRelatedField(child_relation=serializers.PrimaryKeyRelatedField(read_only=True))

    class Meta:
        model = Deal
        fields = [
            "id",
            "title",
            "client",
            "product",
            "manager",
            "stage",
            "status",
            "kind",
            "amount",
            "probability",
            "effective_probability",
            "expected_close_on",
            "closed_on",
            "lost_reason",
            "lost_reason_text",
            "lead_source",
            "requested_risks",
            "requested_discount_rate",
            "granted_discount_rate",
            "discount_rule_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"discount_rule_version": {"help_text": "Версия правила скидок, решившая скидку (id)"}}


class DealTermsSerializer(serializers.Serializer):
    """The terms of a deal a sales person may change (PATCH sends only the ones to change)."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    probability = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=0,
        max_value=1,
        required=False,
        allow_null=True,
        help_text="Доля (0,45 = 45 %); null — вероятность этапа.",
    )
    expected_close_on = serializers.DateField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=DealKind.choices, default=DealKind.NEW)
    lead_source = serializers.PrimaryKeyRelatedField(queryset=LeadSource.objects.all(), required=False, allow_null=True)
    requested_risks = serializers.PrimaryKeyRelatedField(queryset=Risk.objects.all(), many=True, required=False)
    requested_discount_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=0,
        max_value=1,
        required=False,
        allow_null=True,
        help_text="Доля (0,18 = 18 %); null — скидку не запрашивали. Действуют правила скидок.",
    )
    granted_discount_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=0, max_value=1, required=False, allow_null=True
    )


class DealCreateSerializer(DealTermsSerializer):
    client = serializers.PrimaryKeyRelatedField(
        queryset=Client.objects.none(), error_messages={"required": "Выберите клиента.", "null": "Выберите клиента."}
    )
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all(), required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.context.get("user")
        clients = clients_visible_to(user) if user else Client.objects.none()
        client_field: Any = self.fields["client"]
        client_field.queryset = clients


class MoveSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all())


class CloseWonSerializer(serializers.Serializer):
    closed_on = serializers.DateField(required=False, allow_null=True, help_text="По умолчанию — сегодня.")


class CloseLostSerializer(CloseWonSerializer):
    lost_reason = serializers.ChoiceField(
        choices=LostReason.choices, error_messages={"required": "Укажите причину проигрыша."}
    )
    lost_reason_text = serializers.CharField(required=False, allow_blank=True, default="")


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Клиент: часть наименования или начало ИНН"),
    OpenApiParameter("status", str, enum=["open", "won", "lost"]),
    OpenApiParameter("stage", int),
    OpenApiParameter("manager", int),
    OpenApiParameter("product_line", int),
    OpenApiParameter("kind", str, enum=DealKind.values),
    OpenApiParameter("close_from", OpenApiTypes.DATE, description="Ожидаемая дата закрытия, с"),
    OpenApiParameter("close_to", OpenApiTypes.DATE, description="Ожидаемая дата закрытия, по"),
]


def _user(request: Request) -> User:
    return cast(User, request.user)


def _valid(serializer: serializers.Serializer) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _written(write: Callable[[], Deal], success: int = status.HTTP_200_OK) -> Response:
    """The deal after a service wrote it, or the 400 naming the discount rule it broke (nothing saved)."""
    try:
        deal = write()
    except DiscountRuleViolation as error:
        return Response(violation_body(error), status=status.HTTP_400_BAD_REQUEST)
    return Response(DealSerializer(deal).data, status=success)


class DealListApi(GenericAPIView):
    serializer_class = DealSerializer

    @extend_schema(parameters=FILTER_PARAMETERS, responses=DealSerializer(many=True), summary="Сделки")
    def get(self, request: Request) -> Response:
        user = _user(request)
        if not may_view_deals(user):
            raise PermissionDenied("Нет доступа к сделкам.")
        form = DealFilterForm(request.query_params, user=user)
        if not form.is_valid():
            raise ValidationError({name: [str(error) for error in errors] for name, errors in form.errors.items()})
        rows = queries.deal_rows(deals_visible_to(user), form.filters(), today=today())
        page = self.paginate_queryset(rows.prefetch_related("requested_risks"))
        return self.get_paginated_response(DealSerializer(page, many=True).data)

    @extend_schema(
        request=DealCreateSerializer,
        responses={201: DealSerializer, 400: DiscountRuleViolationSerializer},
        summary="Открыть сделку",
    )
    def post(self, request: Request) -> Response:
        if not may_write_deals(_user(request)):
            raise PermissionDenied("Открывать сделки могут только сотрудники отдела продаж.")
        data = _valid(DealCreateSerializer(data=request.data, context={"user": _user(request)}))
        return _written(lambda: services.create_deal(actor=_user(request), data=data), status.HTTP_201_CREATED)


class DealDetailApi(GenericAPIView):
    serializer_class = DealSerializer

    @extend_schema(responses=DealSerializer, summary="Сделка")
    def get(self, request: Request, pk: int) -> Response:
        return Response(DealSerializer(get_deal_for(_user(request), pk)).data)

    @extend_schema(
        request=DealTermsSerializer,
        responses={200: DealSerializer, 400: DiscountRuleViolationSerializer},
        summary="Изменить условия сделки",
    )
    def patch(self, request: Request, pk: int) -> Response:
        deal = get_deal_for(_user(request), pk, write=True)
        changes = _valid(DealTermsSerializer(data=request.data, partial=True))
        return _written(lambda: services.update_deal(actor=_user(request), deal=deal, changes=changes))


class DealMoveApi(GenericAPIView):
    serializer_class = MoveSerializer

    @extend_schema(request=MoveSerializer, responses=DealSerializer, summary="Переместить на этап")
    def post(self, request: Request, pk: int) -> Response:
        deal = get_deal_for(_user(request), pk, write=True)
        stage = _valid(MoveSerializer(data=request.data))["stage"]
        deal = services.move_deal_to_stage(actor=_user(request), deal=deal, stage=stage)
        return Response(DealSerializer(deal).data)


class DealCloseWonApi(GenericAPIView):
    serializer_class = CloseWonSerializer

    @extend_schema(request=CloseWonSerializer, responses=DealSerializer, summary="Закрыть как выигранную")
    def post(self, request: Request, pk: int) -> Response:
        deal = get_deal_for(_user(request), pk, write=True)
        data = _valid(CloseWonSerializer(data=request.data))
        deal = services.close_deal_won(actor=_user(request), deal=deal, **data)
        return Response(DealSerializer(deal).data)


class DealCloseLostApi(GenericAPIView):
    serializer_class = CloseLostSerializer

    @extend_schema(request=CloseLostSerializer, responses=DealSerializer, summary="Закрыть как проигранную")
    def post(self, request: Request, pk: int) -> Response:
        deal = get_deal_for(_user(request), pk, write=True)
        data = _valid(CloseLostSerializer(data=request.data))
        deal = services.close_deal_lost(actor=_user(request), deal=deal, **data)
        return Response(DealSerializer(deal).data)


urlpatterns = [
    path("deals/", DealListApi.as_view(), name="api-deals"),
    path("deals/<int:pk>/", DealDetailApi.as_view(), name="api-deal"),
    path("deals/<int:pk>/move/", DealMoveApi.as_view(), name="api-deal-move"),
    path("deals/<int:pk>/close-won/", DealCloseWonApi.as_view(), name="api-deal-close-won"),
    path("deals/<int:pk>/close-lost/", DealCloseLostApi.as_view(), name="api-deal-close-lost"),
]
