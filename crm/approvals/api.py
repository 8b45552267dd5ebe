"""REST API of approvals (routes included from config/api.py): requests visible to the caller, submit, transitions.

GET /api/approvals/?box=waiting|mine|invited|all&state=… — the caller's inbox (as on /approvals/);
POST /api/approvals/ — submit (201 with the request; 200 with `{"applied": true}` when the discount is within
the caller's limit and was applied to the deal at once); GET /api/approvals/<id>/; POST
/api/approvals/<id>/approve|reject|return|withdraw|resubmit/. A request the caller may not see answers 404
like a missing one; a refused transition is 400 with the reason and changes nothing (crm.core.api).
"""

from typing import Any, cast

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from crm.approvals import queries, services
from crm.approvals.access import get_request_for, may_open_inbox, may_request_approval
from crm.approvals.models import ApprovalRequest, ApprovalState
from crm.org.models import User
from crm.pipeline.access import get_deal_for


class ApprovalPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="short_name")


class ApprovalSerializer(serializers.ModelSerializer):
    deal = serializers.IntegerField(source="deal_id")
    client = serializers.CharField(source="deal.client.__str__")
    requested_by = ApprovalPersonSerializer()
    approver = ApprovalPersonSerializer()
    decided_by = ApprovalPersonSerializer(allow_null=True)
    rule = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalRequest
        fields = [
            "id", "deal", "client", "state", "discount_rate", "special_terms", "justification", "route", "approver",
            "requested_by", "requester_limit_rate", "rule", "breaks_rule", "round", "submitted_at", "decided_by",
            "decided_at", "decision_comment", "override_reason", "frozen_terms",
        ]  # fmt: skip
        read_only_fields = fields

    def get_rule(self, request: ApprovalRequest) -> dict[str, Any] | None:
        version = request.rule_version
        if version is None:
            return None
        return {
            "version_id": version.pk,
            "name": version.rule.name,
            "max_discount_rate": str(version.max_discount_rate),
        }


class ApprovalTermsSerializer(serializers.Serializer):
    discount_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="Доля (0,12 = 12 %); null — без скидки.",
    )
    special_terms = serializers.CharField(required=False, allow_blank=True, default="")
    justification = serializers.CharField(required=False, allow_blank=True, default="")


class ApprovalSubmitSerializer(ApprovalTermsSerializer):
    deal = serializers.IntegerField()


class ApprovalDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="Обязателен.")
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Для скидки сверх правила (только начальник отдела)."
    )


class ApprovalCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


APPLIED = inline_serializer(
    "DiscountApplied", {"applied": serializers.BooleanField(), "deal": serializers.IntegerField()}
)


def _user(request: Request) -> User:
    return cast(User, request.user)


def _valid(serializer: serializers.Serializer) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _out(approval: ApprovalRequest, user: User) -> dict[str, Any]:
    return ApprovalSerializer(get_request_for(user, approval.pk)).data


class ApprovalListApi(GenericAPIView):
    serializer_class = ApprovalSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, enum=list(queries.BOXES)),
            OpenApiParameter("state", str, enum=ApprovalState.values),
        ],
        responses=ApprovalSerializer(many=True),
        summary="Запросы на согласование",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        if not may_open_inbox(user):
            raise PermissionDenied("Нет доступа к согласованиям.")
        box = queries.inbox(user, request.query_params.get("box", "all"), request.query_params.get("state", ""))
        page = queries.inbox_rows(user, self.paginate_queryset(box.ids) or [])
        return self.get_paginated_response(ApprovalSerializer(page, many=True).data)

    @extend_schema(
        request=ApprovalSubmitSerializer,
        responses={201: ApprovalSerializer, 200: APPLIED},
        summary="Запросить согласование",
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        if not may_request_approval(user):
            raise PermissionDenied("Запрашивать согласование могут только сотрудники отдела продаж.")
        data = _valid(ApprovalSubmitSerializer(data=request.data))
        deal = get_deal_for(user, data.pop("deal"), write=True)
        created = services.submit_request(actor=user, deal=deal, **data)
        if created is None:
            return Response({"applied": True, "deal": deal.pk}, status=status.HTTP_200_OK)
        return Response(_out(created, user), status=status.HTTP_201_CREATED)


class ApprovalDetailApi(GenericAPIView):
    serializer_class = ApprovalSerializer

    @extend_schema(responses=ApprovalSerializer, summary="Запрос на согласование")
    def get(self, request: Request, pk: int) -> Response:
        return Response(ApprovalSerializer(get_request_for(_user(request), pk)).data)


class ApprovalReasonSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="Обязателен.")


class ApprovalApproveApi(GenericAPIView):
    serializer_class = ApprovalDecisionSerializer

    @extend_schema(request=ApprovalDecisionSerializer, responses=ApprovalSerializer, summary="Согласовать")
    def post(self, request: Request, pk: int) -> Response:
        approval = get_request_for(_user(request), pk)
        data = _valid(ApprovalDecisionSerializer(data=request.data))
        return Response(_out(services.approve_request(actor=_user(request), request=approval, **data), _user(request)))


class ApprovalRejectApi(GenericAPIView):
    serializer_class = ApprovalReasonSerializer

    @extend_schema(request=ApprovalReasonSerializer, responses=ApprovalSerializer, summary="Отклонить")
    def post(self, request: Request, pk: int) -> Response:
        approval = get_request_for(_user(request), pk)
        data = _valid(ApprovalReasonSerializer(data=request.data))
        return Response(_out(services.reject_request(actor=_user(request), request=approval, **data), _user(request)))


class ApprovalReturnApi(GenericAPIView):
    serializer_class = ApprovalReasonSerializer

    @extend_schema(request=ApprovalReasonSerializer, responses=ApprovalSerializer, summary="Вернуть на доработку")
    def post(self, request: Request, pk: int) -> Response:
        approval = get_request_for(_user(request), pk)
        data = _valid(ApprovalReasonSerializer(data=request.data))
        return Response(_out(services.return_request(actor=_user(request), request=approval, **data), _user(request)))


class ApprovalWithdrawApi(GenericAPIView):
    serializer_class = ApprovalCommentSerializer

    @extend_schema(request=ApprovalCommentSerializer, responses=ApprovalSerializer, summary="Отозвать (инициатор)")
    def post(self, request: Request, pk: int) -> Response:
        approval = get_request_for(_user(request), pk)
        data = _valid(ApprovalCommentSerializer(data=request.data))
        return Response(_out(services.withdraw_request(actor=_user(request), request=approval, **data), _user(request)))


class ApprovalResubmitApi(GenericAPIView):
    serializer_class = ApprovalTermsSerializer

    @extend_schema(
        request=ApprovalTermsSerializer, responses=ApprovalSerializer, summary="Отправить повторно (инициатор)"
    )
    def post(self, request: Request, pk: int) -> Response:
        approval = get_request_for(_user(request), pk)
        data = _valid(ApprovalTermsSerializer(data=request.data))
        return Response(_out(services.resubmit_request(actor=_user(request), request=approval, **data), _user(request)))


urlpatterns = [
    path("approvals/", ApprovalListApi.as_view(), name="api-approvals"),
    path("approvals/<int:pk>/", ApprovalDetailApi.as_view(), name="api-approval"),
    path("approvals/<int:pk>/approve/", ApprovalApproveApi.as_view(), name="api-approval-approve"),
    path("approvals/<int:pk>/reject/", ApprovalRejectApi.as_view(), name="api-approval-reject"),
    path("approvals/<int:pk>/return/", ApprovalReturnApi.as_view(), name="api-approval-return"),
    path("approvals/<int:pk>/withdraw/", ApprovalWithdrawApi.as_view(), name="api-approval-withdraw"),
    path("approvals/<int:pk>/resubmit/", ApprovalResubmitApi.as_view(), name="api-approval-resubmit"),
]
