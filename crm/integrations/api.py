"""The integration API (/api/integrations/…): batch upserts for the finance system, underwriting and the service
desk, authenticated by an integration token and limited to what the token's account may write.

A batch is a JSON array of at most MAX_BATCH_ITEMS items keyed by `external_id`. Each item is answered
`created`, `updated`, `unchanged` or `error` (with field errors); `?atomic=true` saves everything or
nothing (`skipped` marks valid items of a refused batch, and the answer is 422). Every write goes through
the owning app's service, so validation and the audit journal apply. Tokens read nothing else: the
clients and deals API take a person's login, not an integration token.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from crm.core.upserts import BatchResult, InvalidItem
from crm.finance.services import upsert_claims, upsert_instalments
from crm.integrations import serializers as s
from crm.integrations.models import IntegrationToken, ObjectKind
from crm.integrations.rest import (
    MAX_BATCH_ITEMS,
    BatchTooLarge,
    BoundedJSONParser,
    HasWriteScope,
    IntegrationTokenAuthentication,
)
from crm.policies.services import upsert_contracts
from crm.service.services import upsert_complaints, upsert_nps_responses
from crm.underwriting.services import upsert_decisions

TAGS = ["Интеграции"]
Upsert = Callable[..., BatchResult]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(s.IntegrationErrorSerializer, description=description)


ERRORS = {
    400: _error("Неверный JSON, не массив или неверный параметр atomic"),
    401: _error("Нет токена, токен неизвестен или отозван, учётная запись отключена"),
    403: _error("Токену этой системы запрещено записывать такие данные"),
    413: _error(f"Больше {MAX_BATCH_ITEMS} элементов или слишком большое тело запроса"),
    415: _error("Тело запроса не application/json"),
}


class IntegrationApi(APIView):
    authentication_classes = [IntegrationTokenAuthentication]
    permission_classes = [HasWriteScope]
    parser_classes = [BoundedJSONParser]


class AccountInfoApi(IntegrationApi):
    @extend_schema(
        operation_id="integrations_me", tags=TAGS, summary="Учётная запись токена и что ей можно записывать",
        responses={200: s.AccountInfoSerializer, 401: ERRORS[401]},
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        token = request.auth
        assert isinstance(token, IntegrationToken)
        account = token.account
        body = {
            "account": account.name, "source_system": account.source_system, "scopes": account.scopes,
            "token_prefix": token.prefix, "user": account.user.username, "max_batch_items": MAX_BATCH_ITEMS,
        }  # fmt: skip
        return Response(s.AccountInfoSerializer(body).data)


class UpsertApi(IntegrationApi):
    kind: str
    item_serializer: type[Serializer]
    upsert: Upsert  # a staticmethod: the owning app's batch service

    def post(self, request: Request) -> Response:
        params = s.BatchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        items = request.data
        if not isinstance(items, list):
            raise exceptions.ParseError(_("Ожидается JSON-массив элементов."))
        if len(items) > MAX_BATCH_ITEMS:
            raise BatchTooLarge()
        token = request.auth
        assert isinstance(token, IntegrationToken)
        account = token.account
        result = self.upsert(
            actor=account.user, source=account.source_system, items=self._parsed(items),
            atomic=params.validated_data["atomic"],
        )  # fmt: skip
        body = {"atomic": result.atomic, "committed": result.committed, "counts": result.counts,
                "results": result.results}  # fmt: skip
        code = status.HTTP_200_OK if result.committed else status.HTTP_422_UNPROCESSABLE_ENTITY
        return Response(s.BatchResponseSerializer(body).data, status=code)

    def _parsed(self, items: Sequence[Any]) -> list[Mapping[str, Any] | InvalidItem]:
        """Each item through the kind's serializer: typed values, or an InvalidItem with its field errors."""
        parsed: list[Mapping[str, Any] | InvalidItem] = []
        child = self.item_serializer()  # one instance for the batch: building its fields is the costly part
        for item in items:
            if not isinstance(item, dict):
                parsed.append(InvalidItem(None, {"non_field_errors": [_("Элемент пакета должен быть объектом JSON.")]}))
                continue
            try:
                parsed.append(dict(child.run_validation(item)))
            except ValidationError as error:
                external_id = item.get("external_id")
                key = external_id if isinstance(external_id, str) else None
                parsed.append(InvalidItem(key, {name: [str(m) for m in msgs] for name, msgs in _flat(error.detail)}))
        return parsed


def _flat(errors: Any) -> list[tuple[str, list[Any]]]:
    return [(name, messages if isinstance(messages, list) else [messages]) for name, messages in errors.items()]


def batch_schema(kind: str, item_serializer: type[Serializer], summary: str) -> Callable:
    """The OpenAPI description of one kind's batch endpoint, with an example batch of one item."""
    example = OpenApiExample("Пакет из одного элемента", value=s.EXAMPLES[kind], request_only=True)
    return extend_schema(
        operation_id=f"integrations_{kind}_upsert", tags=TAGS, summary=summary,
        description=(item_serializer.__doc__ or "") + f"\n\nПакет — JSON-массив, не больше {MAX_BATCH_ITEMS} "
        "элементов; ответ — результат по каждому элементу.",
        parameters=[s.BatchParamsSerializer], request=item_serializer(many=True), examples=[example],
        responses={
            200: s.BatchResponseSerializer,
            422: OpenApiResponse(s.BatchResponseSerializer, description="atomic=true: пакет отклонён целиком"),
            **ERRORS,
        },
    )  # fmt: skip


class ContractsApi(UpsertApi):
    kind = ObjectKind.CONTRACTS
    item_serializer = s.ContractItemSerializer
    upsert = staticmethod(upsert_contracts)

    @batch_schema(kind, item_serializer, "Договоры: премии, комиссии, условия, расторжения")
    def post(self, request: Request) -> Response:
        return super().post(request)


class InstalmentsApi(UpsertApi):
    kind = ObjectKind.INSTALMENTS
    item_serializer = s.InstalmentItemSerializer
    upsert = staticmethod(upsert_instalments)

    @batch_schema(kind, item_serializer, "График платежей и оплаты")
    def post(self, request: Request) -> Response:
        return super().post(request)


class ClaimsApi(UpsertApi):
    kind = ObjectKind.CLAIMS
    item_serializer = s.ClaimItemSerializer
    upsert = staticmethod(upsert_claims)

    @batch_schema(kind, item_serializer, "Страховые случаи")
    def post(self, request: Request) -> Response:
        return super().post(request)


class DecisionsApi(UpsertApi):
    kind = ObjectKind.UNDERWRITING_DECISIONS
    item_serializer = s.DecisionItemSerializer
    upsert = staticmethod(upsert_decisions)

    @batch_schema(kind, item_serializer, "Решения андеррайтинга")
    def post(self, request: Request) -> Response:
        return super().post(request)


class ComplaintsApi(UpsertApi):
    kind = ObjectKind.COMPLAINTS
    item_serializer = s.ComplaintItemSerializer
    upsert = staticmethod(upsert_complaints)

    @batch_schema(kind, item_serializer, "Жалобы клиентов")
    def post(self, request: Request) -> Response:
        return super().post(request)


class NpsResponsesApi(UpsertApi):
    kind = ObjectKind.NPS_RESPONSES
    item_serializer = s.NpsItemSerializer
    upsert = staticmethod(upsert_nps_responses)

    @batch_schema(kind, item_serializer, "Ответы NPS")
    def post(self, request: Request) -> Response:
        return super().post(request)


urlpatterns = [
    path("me/", AccountInfoApi.as_view(), name="integrations-api-me"),
    path("contracts/", ContractsApi.as_view(), name="integrations-api-contracts"),
    path("instalments/", InstalmentsApi.as_view(), name="integrations-api-instalments"),
    path("claims/", ClaimsApi.as_view(), name="integrations-api-claims"),
    path("underwriting-decisions/", DecisionsApi.as_view(), name="integrations-api-underwriting-decisions"),
    path("complaints/", ComplaintsApi.as_view(), name="integrations-api-complaints"),
    path("nps-responses/", NpsResponsesApi.as_view(), name="integrations-api-nps-responses"),
]
