"""REST API of clients (routes included from config/api.py): list, read, create, change.

Reads are scoped by `clients_visible_to`; writes go through `crm.clients.services`, so validation and the
audit journal apply exactly as on the screens. A client the caller may not see answers 404.
"""

from typing import Any, cast

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.clients.access import get_client_for, may_create_clients
from crm.clients.models import Client, Industry, LeadSource, Segment, Significance
from crm.clients.queries import DEFAULT_ORDERING, ORDERINGS, ClientFilters, client_rows
from crm.clients.services import create_client, update_client
from crm.org.models import Region, User

TAGS = ["Клиенты"]


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class ContactOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    position = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    is_decision_maker = serializers.BooleanField()


class ConsentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contact_id = serializers.IntegerField(allow_null=True)
    purpose = serializers.CharField()
    document = serializers.CharField()
    given_on = serializers.DateField()
    withdrawn_on = serializers.DateField(allow_null=True)


class ClientRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    inn = serializers.CharField()
    kpp = serializers.CharField()
    ogrn = serializers.CharField()
    segment = serializers.CharField(help_text="micro, small, medium, large, key; пусто — оборот неизвестен")
    industry = RefSerializer(allow_null=True)
    region = RefSerializer(allow_null=True)
    manager = RefSerializer()
    turnover_amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    is_strategic = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class ClientDetailSerializer(ClientRowSerializer):
    headcount = serializers.IntegerField(allow_null=True)
    branch_count = serializers.IntegerField()
    significance = serializers.CharField()
    lead_source = RefSerializer(allow_null=True)
    address = serializers.CharField()
    contacts = ContactOutSerializer(source="contacts.all", many=True)
    consents = ConsentOutSerializer(source="consents.all", many=True)


class ClientPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ClientRowSerializer(many=True)


class ErrorBodySerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # A declared attribute named `fields` would shadow Serializer.fields.
        return {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
        }


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class ClientFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, default="", allow_blank=True, help_text="Название или начало ИНН")
    segment = serializers.ChoiceField(choices=Segment.choices, required=False, default="", allow_blank=True)
    industry = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="С подотраслями")
    region = serializers.IntegerField(required=False, allow_null=True, default=None)
    manager = serializers.IntegerField(required=False, allow_null=True, default=None)
    strategic = serializers.BooleanField(required=False, allow_null=True, default=None)
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False, default=DEFAULT_ORDERING)


class ClientInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    short_name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    inn = serializers.CharField(max_length=12, help_text="10 цифр (организация) или 12 (ИП), с контрольной суммой")
    kpp = serializers.CharField(max_length=9, required=False, allow_blank=True)
    ogrn = serializers.CharField(max_length=15, required=False, allow_blank=True)
    industry = serializers.PrimaryKeyRelatedField(queryset=Industry.objects.all(), required=False, allow_null=True)
    turnover_amount = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    headcount = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    branch_count = serializers.IntegerField(min_value=0, required=False)
    significance = serializers.ChoiceField(choices=Significance.choices, required=False)
    is_strategic = serializers.BooleanField(required=False)
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    lead_source = serializers.PrimaryKeyRelatedField(queryset=LeadSource.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)


def _user(request: Request) -> User:
    return cast(User, request.user)


def _validated(serializer: serializers.Serializer) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _filters(params: dict[str, Any]) -> ClientFilters:
    return ClientFilters(
        search=params["q"], segment=params["segment"], industry_id=params["industry"], region_id=params["region"],
        manager_id=params["manager"], is_strategic=params["strategic"], ordering=params["ordering"],
    )  # fmt: skip


def _detail(client: Client) -> dict[str, Any]:
    return ClientDetailSerializer(client).data


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Ошибки в данных, по полям"),
    403: OpenApiResponse(ErrorSerializer, description="Нет входа или нет права"),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="Клиента нет или он вам не виден")}


class ClientCollectionApi(APIView):
    @extend_schema(
        operation_id="clients_list", tags=TAGS, summary="Клиенты, видимые пользователю",
        parameters=[ClientFilterSerializer], responses={200: ClientPageSerializer, **ERRORS},
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        params = _validated(ClientFilterSerializer(data=request.query_params))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(client_rows(_user(request), _filters(params)), request, view=self)
        return paginator.get_paginated_response(ClientRowSerializer(page, many=True).data)

    @extend_schema(
        operation_id="clients_create", tags=TAGS, summary="Зарегистрировать клиента",
        request=ClientInputSerializer, responses={201: ClientDetailSerializer, **ERRORS},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        if not may_create_clients(_user(request)):
            raise exceptions.PermissionDenied("Регистрировать клиентов могут только сотрудники отдела продаж.")
        client = create_client(_validated(ClientInputSerializer(data=request.data)), actor=_user(request))
        return Response(_detail(client), status=status.HTTP_201_CREATED)


class ClientItemApi(APIView):
    @extend_schema(
        operation_id="clients_retrieve", tags=TAGS, summary="Карточка клиента",
        responses={200: ClientDetailSerializer, **ERRORS, **NOT_FOUND},
    )  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(get_client_for(_user(request), pk)))

    @extend_schema(
        operation_id="clients_partial_update", tags=TAGS, summary="Изменить реквизиты клиента",
        request=ClientInputSerializer(partial=True), responses={200: ClientDetailSerializer, **ERRORS, **NOT_FOUND},
    )  # fmt: skip
    def patch(self, request: Request, pk: int) -> Response:
        client = get_client_for(_user(request), pk, write=True)
        changes = _validated(ClientInputSerializer(data=request.data, partial=True))
        return Response(_detail(update_client(client, changes, actor=_user(request))))


urlpatterns = [
    path("clients/", ClientCollectionApi.as_view(), name="clients-api-list"),
    path("clients/<int:pk>/", ClientItemApi.as_view(), name="clients-api-detail"),
]
