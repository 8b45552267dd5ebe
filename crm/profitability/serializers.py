"""JSON of the profitability results (crm.profitability.results) for the API and its OpenAPI schema.

Decimals are strings: money to kopecks, ratios and rates to 4 places (0.1530 = 15,3 %), points to 1 place;
null is an undefined figure («—»).
"""

from decimal import ROUND_HALF_UP
from typing import Any

from rest_framework import serializers


def money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=2, rounding=ROUND_HALF_UP, **kwargs)


def rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=4, rounding=ROUND_HALF_UP, **kwargs)


def points(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=1, rounding=ROUND_HALF_UP, **kwargs)


class WindowSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()


class EconomicsSerializer(serializers.Serializer):
    earned_premium = money(help_text="Заработанная премия, ₽")
    earned_commission = money(help_text="Заработанная комиссия, ₽")
    incurred_claims = money(help_text="Произошедшие убытки по дате убытка, ₽")
    claims_count = serializers.IntegerField(help_text="Убытков с датой в окне")
    exposure_years = rate(help_text="Экспозиция, договоро-лет")
    loss_ratio = rate(allow_null=True, help_text="Убытки ÷ заработанная премия; null — премии нет")
    claim_frequency = rate(allow_null=True, help_text="Убытков на договоро-год; null — экспозиции нет")
    ltv = money(help_text="Премия − комиссия − убытки, ₽")


class ClientRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    manager = serializers.CharField()
    industry = serializers.CharField()
    segment = serializers.CharField()


class LtvRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    client = ClientRefSerializer()
    economics = EconomicsSerializer()
    ltv = money()
    contracts_count = serializers.IntegerField(help_text="Договоров с покрытием или убытками в окне")
    product_lines = serializers.ListField(child=serializers.CharField())
    yearly_ltv = serializers.ListField(child=money(), help_text="LTV каждого из трёх лет окна, от старого к новому")


class LtvRankingSerializer(serializers.Serializer):
    window = WindowSerializer()
    years = WindowSerializer(many=True)
    order = serializers.ChoiceField(choices=["top", "bottom"])
    limit = serializers.IntegerField()
    clients_count = serializers.IntegerField(help_text="Клиентов с договорами или убытками в окне")
    total = EconomicsSerializer(help_text="Все ранжированные клиенты")
    rows = LtvRowSerializer(many=True)


class LossRatioRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="id отрасли / код сегмента / id вида страхования / id клиента")
    name = serializers.CharField()
    economics = EconomicsSerializer()
    clients_count = serializers.IntegerField()


class ClaimsWithoutPremiumSerializer(serializers.Serializer):
    client = ClientRefSerializer()
    incurred_claims = money()
    claims_count = serializers.IntegerField()


class LossRatioReportSerializer(serializers.Serializer):
    window = WindowSerializer()
    level = serializers.ChoiceField(choices=["industry", "segment", "product_line", "client"])
    rows = LossRatioRowSerializer(many=True)
    total = EconomicsSerializer(help_text="Выборка (все фильтры)")
    company = EconomicsSerializer(help_text="Всё, что видно пользователю, без фильтров")
    clients_count = serializers.IntegerField()
    groups_count = serializers.IntegerField()
    without_premium = ClaimsWithoutPremiumSerializer(many=True, help_text="Убытки без заработанной премии")


class ScoreLineSerializer(serializers.Serializer):
    component = serializers.CharField()
    value = rate(allow_null=True)
    threshold = rate()
    weight = serializers.IntegerField()
    points = points()
    assessed = serializers.BooleanField(help_text="false — мало данных, компонент не оценивается")
    text = serializers.CharField()


class PaymentDelaySerializer(serializers.Serializer):
    instalments_due = serializers.IntegerField()
    instalments_late = serializers.IntegerField()
    share_late = rate(allow_null=True)
    average_days_late = rate(allow_null=True)


class DiscountPressureSerializer(serializers.Serializer):
    deals_count = serializers.IntegerField()
    requests_count = serializers.IntegerField()
    request_share = rate(allow_null=True)
    average_requested = rate(allow_null=True)
    average_granted = rate(allow_null=True)
    rejected_count = serializers.IntegerField()


class ToxicRowSerializer(serializers.Serializer):
    client = ClientRefSerializer()
    score = points()
    is_toxic = serializers.BooleanField()
    economics = EconomicsSerializer()
    claim_frequency_ratio = rate(allow_null=True, help_text="Убытков ÷ ожидаемых по частоте компании")
    complaints_count = serializers.IntegerField(source="behaviour.complaints_count")
    discount_pressure = DiscountPressureSerializer(source="behaviour.discounts")
    payment_delay = PaymentDelaySerializer(source="behaviour.payments")
    reasons = serializers.ListField(child=serializers.CharField())
    lines = ScoreLineSerializer(many=True)


class ToxicListSerializer(serializers.Serializer):
    window = WindowSerializer()
    score_threshold = serializers.IntegerField()
    toxic_count = serializers.IntegerField()
    assessed_count = serializers.IntegerField()
    limit = serializers.IntegerField()
    rows = ToxicRowSerializer(many=True)


class ClientProfitabilitySerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    today = serializers.DateField()
    ltv_window = WindowSerializer()
    ltv = money()
    earned_premium = money()
    earned_commission = money()
    incurred_claims = money()
    yearly_ltv = serializers.ListField(child=money())
    score_window = WindowSerializer()
    loss_ratio = rate(allow_null=True)
    claim_frequency = rate(allow_null=True)
    claim_frequency_ratio = rate(allow_null=True)
    is_toxic = serializers.BooleanField()
    score = points()
    score_threshold = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    score_lines = ScoreLineSerializer(many=True)
    payment_delay = PaymentDelaySerializer()
    discount_pressure = DiscountPressureSerializer()
    complaints_count = serializers.IntegerField()
    nps = points(allow_null=True, help_text="−100…+100")
    nps_responses = serializers.IntegerField()
