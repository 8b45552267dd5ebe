"""The message box under a thread; consultants also choose a verdict."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.forms import StyledFormMixin
from crm.discussions.models import BODY_MAX_LENGTH, Verdict


class MessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Сообщение"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Текст; @логин — упомянуть коллегу")}),
        error_messages={"required": _("Напишите сообщение.")},
    )
    verdict = forms.ChoiceField(
        label=_("Заключение"), choices=[("", _("— без заключения —")), *Verdict.choices], required=False
    )

    def __init__(self, *args: Any, may_give_verdict: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_give_verdict:
            del self.fields["verdict"]
