"""The integration API's items and answers.

An item is *merged* into the stored record: a key that is absent leaves the field as it is, `null` clears
a field that may be empty. Keys the API does not know are an error (a misspelt key would otherwise be
silently ignored). Required keys for a *new* record are listed in each item's description.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.core.upserts import ABSURD_AMOUNT, EXTERNAL_ID_MAX_LENGTH, ItemStatus
from crm.finance.models import ClaimStatus
from crm.integrations.models import ObjectKind, SourceSystem
from crm.policies.models import ContractStatus, TerminationReason
from crm.service.models import ComplaintCategory, ComplaintStatus
from crm.underwriting.models import DecisionOutcome, RefusalReason

MAX_TEXT = 10_000
MAX_ID = 2**63 - 1


def money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, max_value=ABSURD_AMOUNT, required=False, **kwargs
    )


def date_field(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(
        required=False, error_messages={"invalid": _("Неверная дата: нужен формат ГГГГ-ММ-ДД, например 2026-11-26.")},
        **kwargs,
    )  # fmt: skip


def reference(max_length: int, help_text: str, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, help_text=help_text, **kwargs)


class ItemSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=EXTERNAL_ID_MAX_LENGTH,
        trim_whitespace=False,
        help_text="ID записи в системе-источнике: ключ upsert, уникален для вида.",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """Field errors and unknown keys together, so one answer lists everything wrong with the item."""
        unknown = (
            {key: [_("Неизвестное поле.")] for key in data if key not in self.fields} if isinstance(data, dict) else {}
        )
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
            raise serializers.ValidationError({**detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


def contract_external_id_field() -> serializers.CharField:
    return reference(EXTERNAL_ID_MAX_LENGTH, "Договор по его ID в учётной системе", allow_null=True)


def contract_number_field() -> serializers.CharField:
    return reference(40, "…или по номеру договора", allow_null=True)


class ContractItemSerializer(ItemSerializer):
    """Договор. Для нового обязательны: number, client_inn, product_name, manager_login, concluded_on,
    starts_on, ends_on, written_premium_amount."""

    number = serializers.CharField(max_length=40, required=False)
    client_inn = reference(12, "ИНН клиента (клиент должен быть в CRM)")
    product_name = reference(160, "Точное название страхового продукта в CRM")
    manager_login = reference(150, "Логин менеджера в CRM")
    concluded_on = date_field()
    starts_on = date_field()
    ends_on = date_field()
    written_premium_amount = money()
    commission_amount = money()
    discount_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=0,
        max_value=Decimal("0.9999"),
        required=False,
        help_text="Доля: 0.15 = 15 %",
    )
    special_terms = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ContractStatus.choices, required=False)
    terminated_on = date_field(allow_null=True)
    termination_reason = serializers.ChoiceField(choices=TerminationReason.choices, required=False, allow_blank=True)
    renewal_of_external_id = reference(
        EXTERNAL_ID_MAX_LENGTH, "ID пролонгируемого договора в учётной системе", allow_null=True, allow_blank=True
    )


class InstalmentItemSerializer(ItemSerializer):
    """Платёж по графику и его оплата. Для нового обязательны: договор (contract_external_id или
    contract_number), due_on, amount."""

    contract_external_id = contract_external_id_field()
    contract_number = contract_number_field()
    due_on = date_field()
    amount = money()
    paid_on = date_field(allow_null=True)
    paid_amount = money()


class ClaimItemSerializer(ItemSerializer):
    """Страховой случай. Для нового обязательны: договор, loss_on, reported_on, incurred_amount."""

    contract_external_id = contract_external_id_field()
    contract_number = contract_number_field()
    loss_on = date_field()
    reported_on = date_field()
    paid_on = date_field(allow_null=True)
    incurred_amount = money(help_text="Выплачено + резерв")
    paid_amount = money()
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False)


class DecisionItemSerializer(ItemSerializer):
    """Решение андеррайтинга. Для нового обязательны: deal_id, outcome, decided_at."""

    deal_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="ID сделки в CRM")
    underwriter_login = reference(150, "Логин андеррайтера в CRM", allow_null=True, allow_blank=True)
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices, required=False)
    refusal_reason = serializers.ChoiceField(choices=RefusalReason.choices, required=False, allow_blank=True)
    comment = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    decided_at = serializers.DateTimeField(
        required=False,
        help_text="С часовым поясом, например 2026-11-26T15:30:00+03:00",
        error_messages={"invalid": _("Неверные дата и время: нужен ISO 8601, например 2026-11-26T15:30:00+03:00.")},
    )


class ComplaintItemSerializer(ItemSerializer):
    """Жалоба. Для новой обязательны: client_inn, category, received_on."""

    client_inn = reference(12, "ИНН клиента")
    contract_external_id = contract_external_id_field()
    contract_number = contract_number_field()
    manager_login = reference(150, "Логин менеджера; по умолчанию — менеджер договора или клиента", allow_null=True)
    category = serializers.ChoiceField(choices=ComplaintCategory.choices, required=False)
    status = serializers.ChoiceField(choices=ComplaintStatus.choices, required=False)
    received_on = date_field()
    resolved_on = date_field(allow_null=True)
    text = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class NpsItemSerializer(ItemSerializer):
    """Ответ NPS. Для нового обязательны: client_inn, score, responded_on."""

    client_inn = reference(12, "ИНН клиента")
    score = serializers.IntegerField(min_value=0, max_value=10, required=False)
    comment = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    responded_on = date_field()


EXAMPLES: dict[str, dict[str, Any]] = {
    ObjectKind.CONTRACTS: {
        "external_id": "1C-00000001", "number": "ИМ-2025-0000001", "client_inn": "7707083893",
        "product_name": "Имущество предприятий — Базовый", "manager_login": "manager", "concluded_on": "2025-01-15",
        "starts_on": "2025-02-01", "ends_on": "2026-01-31", "written_premium_amount": "1200000.00",
        "commission_amount": "144000.00", "discount_rate": "0.0500", "special_terms": "", "status": "expired",
    },
    ObjectKind.INSTALMENTS: {
        "external_id": "1C-00000001-1", "contract_external_id": "1C-00000001", "due_on": "2025-02-01",
        "amount": "600000.00", "paid_on": "2025-02-03", "paid_amount": "600000.00",
    },
    ObjectKind.CLAIMS: {
        "external_id": "1C-00000001-CL00001", "contract_external_id": "1C-00000001", "loss_on": "2025-05-10",
        "reported_on": "2025-05-12", "incurred_amount": "250000.00", "paid_amount": "250000.00",
        "paid_on": "2025-06-01", "status": "paid",
    },
    ObjectKind.UNDERWRITING_DECISIONS: {
        "external_id": "UW-000000001", "deal_id": 1, "underwriter_login": "underwriter", "outcome": "refused",
        "refusal_reason": "loss_history", "comment": "", "decided_at": "2025-03-10T15:00:00+03:00",
    },
    ObjectKind.COMPLAINTS: {
        "external_id": "SD-0000001", "client_inn": "7707083893", "contract_external_id": "1C-00000001",
        "category": "claims", "status": "resolved", "received_on": "2025-06-02", "resolved_on": "2025-06-20",
        "text": "Долго рассматривают заявление об убытке",
    },
    ObjectKind.NPS_RESPONSES: {
        "external_id": "NPS-0000001", "client_inn": "7707083893", "score": 9, "comment": "",
        "responded_on": "2025-12-01",
    },
}  # fmt: skip


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Номер элемента в пакете, с 0")
    external_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=[(status.value, status.value) for status in ItemStatus])
    id = serializers.IntegerField(allow_null=True, source="pk", help_text="ID записи в CRM")

    def get_fields(self) -> dict[str, serializers.Field]:
        # A declared attribute named `errors` would shadow Serializer.errors.
        return {
            **super().get_fields(),
            "errors": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()),
                help_text="Ошибки по полям элемента: {поле: [сообщения]}; non_field_errors — общие",
            ),
        }


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField()
    skipped = serializers.IntegerField()


class BatchResponseSerializer(serializers.Serializer):
    atomic = serializers.BooleanField()
    committed = serializers.BooleanField(help_text="false — атомарный пакет отклонён целиком, ничего не записано")
    counts = CountsSerializer()
    results = ItemResultSerializer(many=True)


class BatchParamsSerializer(serializers.Serializer):
    atomic = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true — всё или ничего; по умолчанию записываются верные элементы",
        error_messages={"invalid": _("Параметр atomic: true или false.")},
    )


class AccountInfoSerializer(serializers.Serializer):
    account = serializers.CharField()
    source_system = serializers.ChoiceField(choices=SourceSystem.choices)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ObjectKind.choices))
    token_prefix = serializers.CharField()
    user = serializers.CharField(help_text="Технический пользователь, от имени которого пишется журнал аудита")
    max_batch_items = serializers.IntegerField()


class IntegrationErrorBodySerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # A declared attribute named `fields` would shadow Serializer.fields.
        return {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
        }


class IntegrationErrorSerializer(serializers.Serializer):
    error = IntegrationErrorBodySerializer()
