"""The form an administrator fills in to register a feeding system."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import StyledFormMixin
from crm.integrations.models import ObjectKind, SourceSystem


class AccountForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Название"), max_length=80, help_text=_("Например: «1С: Учёт страховых операций»"))
    source_system = forms.ChoiceField(label=_("Система-источник"), choices=SourceSystem.choices)
    scopes = forms.MultipleChoiceField(
        label=_("Что может записывать"),
        choices=ObjectKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Только данные своей системы: учётная — договоры, платежи, убытки; андеррайтинг — решения; "
                    "сервис-деск — жалобы и NPS."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].widget.attrs["class"] = "form-check-input"
