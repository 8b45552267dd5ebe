"""Forms of the funnel: they parse and check input types; the services decide the business rules."""

import datetime
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.catalog.models import Product, ProductLine, Risk
from crm.clients.access import clients_visible_to
from crm.clients.models import Client, LeadSource
from crm.core.forms import DateInput, StyledFormMixin
from crm.core.money import format_number_input, parse_number
from crm.core.periods import Period, today
from crm.core.widgets import LookupSelect
from crm.org.access import assignable_managers
from crm.org.models import User
from crm.pipeline.access import deal_managers_visible_to
from crm.pipeline.models import Deal, DealKind, DealStatus, LostReason, Stage
from crm.pipeline.queries import DealFilters

HUNDRED = Decimal(100)


class RubField(forms.DecimalField):
    """An amount in roubles typed the Russian way: «1 200 000,50»."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            number = parse_number(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(number)

    def prepare_value(self, value: Any) -> Any:
        return format_number_input(value) if isinstance(value, Decimal) else value


class PercentField(RubField):
    """A probability or a discount typed in percent (45 or «45,5») and cleaned to a fraction (0.45, 0.455)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=5, decimal_places=2, max_value=HUNDRED, **kwargs)

    def clean(self, value: Any) -> Decimal | None:
        percent = super().clean(value)
        return None if percent is None else percent / HUNDRED


def _choices_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Client) -> str:
        return f"{obj} ({_('ИНН')} {obj.inn})"


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return f"{obj.product_line} — {obj}"


class DealForm(StyledFormMixin, forms.Form):
    """A new deal (with client and starting stage) or the terms of an existing one."""

    client = ClientChoiceField(
        label=_("Клиент"),
        queryset=Client.objects.none(),
        widget=LookupSelect("clients:lookup"),
        error_messages={"required": _("Выберите клиента.")},
    )
    title = forms.CharField(label=_("Название"), max_length=200, required=False)
    product = ProductChoiceField(label=_("Продукт"), queryset=Product.objects.none())
    manager = forms.ModelChoiceField(
        label=_("Менеджер"), queryset=User.objects.none(), required=False, empty_label=_("Менеджер клиента")
    )
    stage = forms.ModelChoiceField(
        label=_("Этап"), queryset=Stage.objects.filter(is_active=True), required=False, empty_label=_("Первый этап")
    )
    amount = RubField(label=_("Сумма премии, ₽"))
    probability = PercentField(
        label=_("Вероятность, %"), required=False, help_text=_("Пусто — вероятность по умолчанию для этапа.")
    )
    requested_discount_rate = PercentField(
        label=_("Запрошенная скидка, %"),
        required=False,
        help_text=_("Пусто — скидку не запрашивали. Действуют правила скидок начальника отдела."),
    )
    granted_discount_rate = PercentField(label=_("Предоставленная скидка, %"), required=False)
    expected_close_on = forms.DateField(label=_("Ожидаемая дата закрытия"), required=False, widget=DateInput())
    kind = forms.ChoiceField(label=_("Тип продажи"), choices=DealKind.choices, initial=DealKind.NEW)
    lead_source = forms.ModelChoiceField(label=_("Источник"), queryset=LeadSource.objects.all(), required=False)
    requested_risks = forms.ModelMultipleChoiceField(
        label=_("Запрошенные риски"), queryset=Risk.objects.all(), required=False
    )

    def __init__(self, *args: Any, user: User, deal: Deal | None = None, **kwargs: Any) -> None:
        if deal is not None:
            kwargs.setdefault("initial", deal_initial(deal))
        super().__init__(*args, **kwargs)
        self.deal = deal
        current_product = deal.product_id if deal else None
        products = Product.objects.filter(Q(is_active=True) | Q(pk=current_product)).select_related("product_line")
        _choices_field(self, "product").queryset = products
        managers = [person.pk for person in assignable_managers(user)] + ([deal.manager_id] if deal else [])
        _choices_field(self, "manager").queryset = User.objects.filter(pk__in=managers)
        if deal is None:
            _choices_field(self, "client").queryset = clients_visible_to(user)
        else:
            self.fields["manager"].required = True
            del self.fields["client"], self.fields["stage"]


def deal_initial(deal: Deal) -> dict[str, Any]:
    """The edit form's values: the deal's terms, its probability and discounts shown in percent."""
    initial: dict[str, Any] = {name: getattr(deal, f"{name}_id") for name in ("product", "manager", "lead_source")}
    initial |= {name: getattr(deal, name) for name in ("title", "amount", "expected_close_on", "kind")}
    for name in ("probability", "requested_discount_rate", "granted_discount_rate"):
        rate = getattr(deal, name)
        initial[name] = None if rate is None else rate * HUNDRED
    initial["requested_risks"] = [risk.pk for risk in deal.requested_risks.all()]
    return initial


class DealFilterForm(StyledFormMixin, forms.Form):
    """The deal list's filters, from the query string."""

    q = forms.CharField(label=_("Клиент или ИНН"), required=False)
    status = forms.ChoiceField(label=_("Статус"), choices=[("", _("Все статусы")), *DealStatus.choices], required=False)
    stage = forms.ModelChoiceField(
        label=_("Этап"), queryset=Stage.objects.all(), required=False, empty_label=_("Все этапы")
    )
    manager = forms.ModelChoiceField(
        label=_("Менеджер"), queryset=User.objects.none(), required=False, empty_label=_("Все")
    )
    product_line = forms.ModelChoiceField(
        label=_("Вид страхования"), queryset=ProductLine.objects.all(), required=False, empty_label=_("Все виды")
    )
    kind = forms.ChoiceField(label=_("Тип продажи"), choices=[("", _("Все типы")), *DealKind.choices], required=False)
    close_from = forms.DateField(label=_("Закрытие с"), required=False, widget=DateInput())
    close_to = forms.DateField(label=_("Закрытие по"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices_field(self, "manager").queryset = deal_managers_visible_to(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("close_from"), cleaned.get("close_to")
        if first and last and last < first:
            self.add_error("close_to", _("Дата «по» раньше даты «с»."))
        return cleaned

    def filters(self) -> DealFilters:
        """The valid filters (an invalid one is shown with its message and ignored)."""
        self.is_valid()
        data = self.cleaned_data
        first, last = data.get("close_from"), data.get("close_to")
        period = Period(first or datetime.date.min, last or datetime.date.max) if first or last else None
        return DealFilters(
            status=data.get("status") or "",
            stage=data.get("stage"),
            manager=data.get("manager"),
            product_line=data.get("product_line"),
            kind=data.get("kind") or "",
            expected_close=period,
            search=data.get("q") or "",
        )


class BoardFilterForm(DealFilterForm):
    """The board shows open deals by stage, so it filters by everything but status and stage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["status"], self.fields["stage"]


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(
        label=_("Этап"),
        queryset=Stage.objects.filter(is_active=True),
        error_messages={"required": _("Выберите этап."), "invalid_choice": _("Такого этапа нет.")},
    )


class CloseWonForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Дата закрытия"), required=False, widget=DateInput(), initial=today)


class CloseLostForm(StyledFormMixin, forms.Form):
    lost_reason = forms.ChoiceField(
        label=_("Причина проигрыша"),
        choices=[("", "—"), *LostReason.choices],
        error_messages={"required": _("Укажите причину проигрыша.")},
    )
    lost_reason_text = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Обязателен для причины «Другое»."),
    )
    closed_on = forms.DateField(label=_("Дата закрытия"), required=False, widget=DateInput(), initial=today)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
