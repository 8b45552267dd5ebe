"""JSON of the analytics results (crm.analytics.results) for the API and its OpenAPI schema.

Decimals are strings: money to kopecks, counts to 2 places (a pro-rated plan is fractional), rates as
fractions to 4 places (0.0250 = 2,5 %). null is an undefined figure («—») or a missing plan.
"""

from decimal import ROUND_HALF_UP
from typing import Any

from rest_framework import serializers

from crm.core.periods import Period

FLAGS = [("below", "ниже плана"), ("above", "выше плана")]


def money(**kwargs: Any) -> serializers.DecimalField:
    """Roubles (or a pro-rated count) as a string with 2 decimals."""
    return serializers.DecimalField(max_digits=None, decimal_places=2, rounding=ROUND_HALF_UP, **kwargs)


def rate(**kwargs: Any) -> serializers.DecimalField:
    """A fraction as a string with 4 decimals."""
    return serializers.DecimalField(max_digits=None, decimal_places=4, rounding=ROUND_HALF_UP, **kwargs)


class PeriodSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()
    days = serializers.IntegerField()


class FactSerializer(serializers.Serializer):
    amount = money(help_text="Σ начисленной премии, ₽")
    count = serializers.IntegerField(help_text="Число договоров")


class PlanFiguresSerializer(serializers.Serializer):
    fact = money()
    plan = money(allow_null=True, help_text="null — нет плана")
    plan_to_date = money(allow_null=True)
    attainment = rate(allow_null=True)
    attainment_to_date = rate(allow_null=True)
    deviation = rate(allow_null=True, help_text="факт ÷ план на дату − 1")
    run_rate = money(allow_null=True)
    flag = serializers.ChoiceField(choices=FLAGS, allow_null=True)


class KpisSerializer(serializers.Serializer):
    period = PeriodSerializer()
    amount = PlanFiguresSerializer(help_text="В рублях")
    count = PlanFiguresSerializer(help_text="В договорах")
    average_premium = money(allow_null=True)


class MoneyChangeSerializer(serializers.Serializer):
    absolute = money(allow_null=True)
    relative = rate(allow_null=True)


class RateChangeSerializer(serializers.Serializer):
    absolute = rate(allow_null=True, help_text="В долях (0,05 = 5 п. п.)")
    relative = rate(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    kpis = KpisSerializer(help_text="Весь период сравнения")
    comparable = PeriodSerializer(allow_null=True, help_text="Сопоставимая часть периода сравнения")
    comparable_fact = FactSerializer(allow_null=True)
    comparable_attainment = rate(allow_null=True)
    amount_change = MoneyChangeSerializer()
    count_change = MoneyChangeSerializer()
    attainment_change = RateChangeSerializer()


class DynamicsSerializer(serializers.Serializer):
    previous = ComparisonSerializer()
    last_year = ComparisonSerializer()


class StageForecastSerializer(serializers.Serializer):
    stage_id = serializers.IntegerField()
    stage_name = serializers.CharField()
    count = serializers.IntegerField()
    amount = money()
    weighted_amount = money()


class DealTallySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount = money()


class ForecastSerializer(serializers.Serializer):
    period = PeriodSerializer()
    window = PeriodSerializer(allow_null=True, help_text="null — период завершён, прогноз равен факту")
    fact_amount = money()
    weighted_amount = money()
    forecast_amount = money()
    by_stage = StageForecastSerializer(many=True)
    overdue = DealTallySerializer(help_text="Открытые сделки с прошедшей ожидаемой датой — вне прогноза")
    undated = DealTallySerializer(help_text="Открытые сделки без ожидаемой даты — вне прогноза")


class TrendPointSerializer(serializers.Serializer):
    month = serializers.DateField()
    fact = FactSerializer()
    plan_amount = money(allow_null=True)
    plan_count = money(allow_null=True)
    last_year_month = serializers.DateField()
    last_year_fact = FactSerializer()
    last_year_plan_amount = money(allow_null=True)


class DriversSerializer(serializers.Serializer):
    comparison = PeriodSerializer(allow_null=True)
    deals_won = serializers.IntegerField()
    deals_won_previous = serializers.IntegerField()
    win_rate = rate(allow_null=True)
    win_rate_previous = rate(allow_null=True)
    contracts_count = serializers.IntegerField()
    contracts_count_previous = serializers.IntegerField()
    average_premium = money(allow_null=True)
    average_premium_previous = money(allow_null=True)
    count_effect = money(allow_null=True)
    premium_effect = money(allow_null=True)


class TreeNodeSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="company, scope, region:<id>, team:<id>, manager:<id>")
    level = serializers.ChoiceField(choices=["company", "scope", "region", "team", "manager"])
    name = serializers.CharField()
    flag = serializers.ChoiceField(choices=FLAGS, allow_null=True)
    amount = PlanFiguresSerializer()
    count = PlanFiguresSerializer()
    drivers = DriversSerializer()


TreeNodeSerializer._declared_fields["children"] = TreeNodeSerializer(many=True)


class CutRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    amount = PlanFiguresSerializer()
    count = PlanFiguresSerializer()
    previous = FactSerializer(allow_null=True)
    last_year = FactSerializer(allow_null=True)
    change_vs_previous = MoneyChangeSerializer()
    change_vs_last_year = MoneyChangeSerializer()


class DashboardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    today = serializers.DateField()
    threshold = rate()
    kpis = KpisSerializer()
    forecast = ForecastSerializer()
    forecast_gap_amount = money(allow_null=True, help_text="Прогноз − план")
    dynamics = DynamicsSerializer()
    trend = TrendPointSerializer(many=True)
    tree = TreeNodeSerializer()
    by_product_line = CutRowSerializer(many=True)
    by_segment = CutRowSerializer(many=True)


class SalesTrendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["segment", "product_line", "industry_line"])
    key = serializers.CharField()
    name = serializers.CharField()
    current = FactSerializer()
    previous = FactSerializer()
    last_year = FactSerializer()
    p_value = serializers.FloatField()
    adjusted_p_value = serializers.FloatField(help_text="С поправкой Бенджамини — Хохберга")
    reason = serializers.CharField()


class WinRateSpotSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["region", "manager"])
    key = serializers.CharField()
    name = serializers.CharField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    win_rate = rate(allow_null=True)
    rest_win_rate = rate(allow_null=True)
    p_value = serializers.FloatField()
    adjusted_p_value = serializers.FloatField()
    reason = serializers.CharField()


class HotSpotsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    window = PeriodSerializer(allow_null=True)
    previous_window = PeriodSerializer(allow_null=True)
    last_year_window = PeriodSerializer(allow_null=True)
    falling = SalesTrendSerializer(many=True)
    trend_rising = SalesTrendSerializer(many=True)
    low_win_rate = WinRateSpotSerializer(many=True)


class ContractRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    client_id = serializers.IntegerField()
    client_name = serializers.CharField()
    product_name = serializers.CharField()
    product_line_name = serializers.CharField()
    concluded_on = serializers.DateField()
    written_premium_amount = money()
    status = serializers.CharField()


class DealRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    client_id = serializers.IntegerField()
    client_name = serializers.CharField()
    product_line_name = serializers.CharField()
    stage_name = serializers.CharField()
    amount = money()
    probability = rate()
    weighted_amount = money()
    expected_close_on = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()


class ManagerDealsSerializer(serializers.Serializer):
    manager_id = serializers.IntegerField()
    manager_name = serializers.CharField()
    period = PeriodSerializer()
    fact = FactSerializer()
    contracts = ContractRowSerializer(many=True)
    open_deals = DealRowSerializer(many=True)


MAX_CUSTOM_DAYS = 5 * 366
PERIOD_KINDS = [("month", "месяц"), ("quarter", "квартал"), ("year", "год"), ("custom", "произвольный")]


class PeriodQuerySerializer(serializers.Serializer):
    """?period=quarter&year=2026&quarter=4 | month&year&month | year&year | custom&first&last; defaults: today's."""

    period = serializers.ChoiceField(choices=PERIOD_KINDS, default="quarter")
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)
    first = serializers.DateField(required=False)
    last = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Adds `value`: the Period the parameters name."""
        today = self.context["today"]
        year = attrs.get("year", today.year)
        kind = attrs["period"]
        if kind == "custom":
            attrs["value"] = _custom_period(attrs)
        elif kind == "year":
            attrs["value"] = Period.year(year)
        elif kind == "quarter":
            attrs["value"] = Period.quarter(year, attrs.get("quarter", (today.month - 1) // 3 + 1))
        else:
            attrs["value"] = Period.month(year, attrs.get("month", today.month))
        return attrs


def _custom_period(attrs: dict[str, Any]) -> Period:
    first, last = attrs.get("first"), attrs.get("last")
    missing = {name: ["Укажите дату."] for name in ("first", "last") if attrs.get(name) is None}
    if first is None or last is None:
        raise serializers.ValidationError(missing)
    if last < first:
        raise serializers.ValidationError({"last": ["Конец периода раньше начала."]})
    if first.year < 2000 or last.year > 2100:
        raise serializers.ValidationError({"first": ["Период должен лежать в 2000–2100 годах."]})
    if (last - first).days + 1 > MAX_CUSTOM_DAYS:
        raise serializers.ValidationError({"last": ["Период длиннее пяти лет."]})
    return Period(first, last)


class DashboardQuerySerializer(PeriodQuerySerializer):
    threshold = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=0,
        max_value=1,
        required=False,
        help_text="Порог отклонения в долях (0,1 = 10 %); по умолчанию — настройка отдела",
    )
