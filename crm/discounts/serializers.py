"""JSON shapes of discount rules, the check, and the error a broken rule answers with (used by other apps' APIs)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.catalog.models import Product
from crm.clients.models import Client
from crm.discounts.models import DiscountRuleVersion
from crm.discounts.queries import conditions_in_words
from crm.discounts.services import DiscountRuleViolation


class DiscountRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class DiscountRuleVersionSerializer(serializers.ModelSerializer):
    industries = DiscountRefSerializer(many=True)
    regions = DiscountRefSerializer(many=True)
    product_lines = DiscountRefSerializer(many=True)
    segments = serializers.ListField(child=serializers.CharField(), help_text="Коды сегментов; пусто — любые")
    author = DiscountRefSerializer()
    conditions_in_words = serializers.SerializerMethodField()

    class Meta:
        model = DiscountRuleVersion
        fields = [
            "id",
            "rule",
            "number",
            "industries",
            "turnover_from_amount",
            "turnover_to_amount",
            "segments",
            "regions",
            "strategic",
            "product_lines",
            "max_discount_rate",
            "message",
            "starts_on",
            "ends_on",
            "author",
            "created_at",
            "conditions_in_words",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "turnover_from_amount": {"help_text": "Оборот клиента не меньше (включительно); null — без нижней границы"},
            "turnover_to_amount": {"help_text": "Оборот клиента меньше (не включая); null — без верхней границы"},
            "max_discount_rate": {"help_text": "Доля: 0.15 = 15 %"},
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_conditions_in_words(self, version: DiscountRuleVersion) -> list[str]:
        """Условия словами."""
        return conditions_in_words(version)


class DiscountRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="rule.id")
    name = serializers.CharField(source="rule.name")
    is_active = serializers.BooleanField(source="rule.is_active")
    status = serializers.CharField(help_text="Действует / Отключено / Вступит в силу … / Истекло …")
    in_force = serializers.BooleanField(help_text="Применяется сегодня")
    current_version = DiscountRuleVersionSerializer(source="version")


class DiscountRuleDetailSerializer(DiscountRuleSerializer):
    versions = DiscountRuleVersionSerializer(many=True, help_text="Все версии, новые первыми")


class DiscountCheckRequestSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=0, max_value=1, help_text="Скидка, доля: 0.18 = 18 %"
    )
    on_date = serializers.DateField(required=False, help_text="По умолчанию — сегодня")

    def __init__(self, *args: Any, clients: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["client"]
        field.queryset = clients if clients is not None else Client.objects.none()
        field.error_messages["does_not_exist"] = "Клиент не найден или недоступен вам."


class DiscountRuleRefSerializer(serializers.Serializer):
    """The rule version that decided (or was broken): enough to name it and find it."""

    id = serializers.IntegerField(source="rule.id")
    name = serializers.CharField(source="rule.name")
    version_id = serializers.IntegerField(source="id")
    version = serializers.IntegerField(source="number")
    max_discount_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    message = serializers.CharField()


class DiscountCheckResultSerializer(serializers.Serializer):
    allowed = serializers.BooleanField(help_text="true — скидка проходит правила")
    message = serializers.CharField(help_text="Почему нельзя (пусто, если можно)")
    rule = DiscountRuleRefSerializer(allow_null=True, help_text="Правило, которое действует для клиента и продукта")


class DiscountRuleViolationErrorSerializer(serializers.Serializer):
    """The API's error shape; declared in get_fields because `fields` is also a Serializer attribute."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "code": serializers.CharField(help_text="discount_rule_violated"),
            "message": serializers.CharField(),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()), help_text="Поле скидки → сообщение"
            ),
            "rule": DiscountRuleRefSerializer(),
        }


class DiscountRuleViolationSerializer(serializers.Serializer):
    """400: the discount breaks a rule; the rule and its version are named."""

    error = DiscountRuleViolationErrorSerializer()


def violation_body(error: DiscountRuleViolation) -> dict[str, Any]:
    """The structured JSON of a broken rule: the API's error shape plus the rule and version."""
    return {
        "error": {
            "code": "discount_rule_violated",
            "message": error.text,
            "fields": {name: [text] for name, text in error.messages_by_field.items()},
            "rule": DiscountRuleRefSerializer(error.version).data,
        }
    }
