"""The rule editor's form: it parses the input; the services decide the business rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.catalog.models import ProductLine
from crm.clients.models import Industry, Segment
from crm.core.forms import DateInput, StyledFormMixin
from crm.core.periods import today
from crm.discounts.models import DiscountRuleVersion, RuleConditions, StrategicCondition
from crm.org.models import Region
from crm.pipeline.forms import PercentField, RubField

HUNDRED = Decimal(100)
CONDITION_FIELDS = (
    "industries",
    "turnover_from_amount",
    "turnover_to_amount",
    "segments",
    "regions",
    "strategic",
    "product_lines",
)
CHECKBOX_FIELDS = ("segments", "product_lines")
M2M = ("industries", "regions", "product_lines")


class IndustryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Industry) -> str:
        return f"— {obj.name}" if obj.parent_id else obj.name


class RuleForm(StyledFormMixin, forms.Form):
    """A rule's name and the terms of its next version."""

    name = forms.CharField(label=_("Название"), max_length=200)
    industries = IndustryChoiceField(
        label=_("Отрасли"),
        queryset=Industry.objects.order_by("okved_section", "parent_id", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Пусто — любые. Раздел ОКВЭД включает свои отрасли. Ctrl — выбрать несколько."),
    )
    turnover_from_amount = RubField(
        label=_("Оборот от, ₽ (включительно)"), required=False, help_text=_("Пусто — без нижней границы.")
    )
    turnover_to_amount = RubField(
        label=_("Оборот до, ₽ (не включая)"),
        required=False,
        help_text=_("«С оборотом до 500 млн ₽» — оборот меньше 500 000 000 ₽. Пусто — без верхней границы."),
    )
    segments = forms.MultipleChoiceField(
        label=_("Сегменты"),
        choices=Segment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Пусто — любые."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Регионы"), queryset=Region.objects.all(), required=False, help_text=_("Пусто — любые.")
    )
    strategic = forms.ChoiceField(
        label=_("Стратегические клиенты"), choices=StrategicCondition.choices, initial=StrategicCondition.ANY
    )
    product_lines = forms.ModelMultipleChoiceField(
        label=_("Виды страхования"),
        queryset=ProductLine.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Пусто — любые."),
    )
    max_discount_rate = PercentField(
        label=_("Максимальная скидка, %"), error_messages={"required": _("Укажите максимальную скидку.")}
    )
    message = forms.CharField(
        label=_("Сообщение менеджеру"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Почему действует ограничение: менеджер увидит это вместе с названием правила."),
    )
    starts_on = forms.DateField(label=_("Действует с"), initial=today, widget=DateInput())
    ends_on = forms.DateField(
        label=_("Действует по"), required=False, widget=DateInput(), help_text=_("Включительно; пусто — бессрочно.")
    )

    def __init__(self, *args: Any, version: DiscountRuleVersion | None = None, **kwargs: Any) -> None:
        if version is not None:
            kwargs.setdefault("initial", version_initial(version))
        super().__init__(*args, **kwargs)
        for name in CHECKBOX_FIELDS:
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def simulation_input(self) -> tuple[RuleConditions, Decimal] | None:
        """The conditions and maximum to simulate, when those fields are valid (name and message may be empty)."""
        self.is_valid()
        data = self.cleaned_data
        if any(name in self.errors for name in (*CONDITION_FIELDS, "max_discount_rate")):
            return None
        if data.get("max_discount_rate") is None:
            return None
        conditions = RuleConditions(
            industry_ids=frozenset(item.pk for item in data.get("industries") or []),
            turnover_from_amount=data.get("turnover_from_amount"),
            turnover_to_amount=data.get("turnover_to_amount"),
            segments=frozenset(data.get("segments") or []),
            region_ids=frozenset(item.pk for item in data.get("regions") or []),
            strategic=data.get("strategic") or StrategicCondition.ANY,
            product_line_ids=frozenset(item.pk for item in data.get("product_lines") or []),
        )
        return conditions, data["max_discount_rate"]


def version_initial(version: DiscountRuleVersion) -> dict[str, Any]:
    """The edit form's values: the current version's terms, the maximum in percent, starting today."""
    initial: dict[str, Any] = {name: getattr(version, name) for name in CONDITION_FIELDS if name not in M2M}
    initial |= {name: [item.pk for item in getattr(version, name).all()] for name in M2M}
    initial |= {"name": version.rule.name, "message": version.message, "ends_on": version.ends_on}
    initial["max_discount_rate"] = version.max_discount_rate * HUNDRED
    initial["starts_on"] = max(version.starts_on, today())
    return initial
