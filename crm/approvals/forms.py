"""Forms of approvals: they parse input; the services decide routing and every rule of the transitions."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.approvals.models import ApprovalState
from crm.core.forms import StyledFormMixin
from crm.pipeline.forms import HUNDRED, PercentField


class RequestForm(StyledFormMixin, forms.Form):
    """A new request, or a reworked one: the discount and/or special terms, and why."""

    discount_rate = PercentField(
        label=_("Скидка, %"), required=False, help_text=_("Пусто — только особые условия, без скидки.")
    )
    special_terms = forms.CharField(
        label=_("Особые условия"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Например: рассрочка на 4 платежа, франшиза 50 000 ₽."),
    )
    justification = forms.CharField(
        label=_("Обоснование"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Что клиент даёт взамен и почему это выгодно компании."),
        error_messages={"required": _("Обоснуйте запрос: что клиент даёт взамен, почему это выгодно.")},
    )


def request_initial(request: Any) -> dict[str, Any]:
    """The rework form starts from the returned request's terms, the discount shown in percent."""
    rate = request.discount_rate
    return {
        "discount_rate": None if rate is None else rate * HUNDRED,
        "special_terms": request.special_terms,
        "justification": request.justification,
    }


class DecisionForm(StyledFormMixin, forms.Form):
    """The approver's comment (always required) and, for a discount above a rule, the reason to override it."""

    comment = forms.CharField(
        label=_("Комментарий к решению"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("Например: согласовать в обмен на страхование 10 филиалов")}
        ),
    )
    override_reason = forms.CharField(
        label=_("Основание для отступления от правила скидок"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("Причина (необязательно)"), required=False, widget=forms.TextInput())


class InboxFilterForm(forms.Form):
    box = forms.CharField(required=False)
    state = forms.ChoiceField(choices=[("", _("Все статусы")), *ApprovalState.choices], required=False)
