"""Forms of the clients screens: parsing and field messages; the writes happen in services."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.clients.models import Client, Consent, Contact, Industry, Segment
from crm.clients.queries import DEFAULT_ORDERING, ClientFilters, client_managers
from crm.clients.services import CONSENT_FIELDS, CONTACT_FIELDS
from crm.core.forms import DateInput, StyledFormMixin
from crm.core.periods import today
from crm.org.access import assignable_managers
from crm.org.models import Region, User

CLIENT_FORM_FIELDS = [
    "name", "short_name", "inn", "kpp", "ogrn", "industry", "region", "turnover_amount", "headcount",
    "branch_count", "significance", "is_strategic", "lead_source", "address",
]  # fmt: skip
DIGITS = {"inputmode": "numeric", "autocomplete": "off"}
ORDERING_CHOICES = [
    ("name", _("По названию (А–Я)")),
    ("-name", _("По названию (Я–А)")),
    ("-created_at", _("Сначала новые")),
    ("-turnover", _("По обороту, по убыванию")),
    ("manager", _("По менеджеру")),
]
STRATEGIC_CHOICES = [("", _("Все")), ("yes", _("Только стратегические")), ("no", _("Кроме стратегических"))]


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Industry) -> str:
        return f"— {obj.name}" if obj.parent_id else obj.name


class ClientForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Client
        fields = CLIENT_FORM_FIELDS
        field_classes = {"industry": IndustryChoiceField}
        widgets = {
            "inn": forms.TextInput(attrs={**DIGITS, "maxlength": 12}),
            "kpp": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 9}),
            "ogrn": forms.TextInput(attrs={**DIGITS, "maxlength": 15}),
        }


class ClientCreateForm(ClientForm):
    class Meta(ClientForm.Meta):
        fields = [*CLIENT_FORM_FIELDS, "manager"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = assignable_managers(actor)
        _choice_field(self, "manager").queryset = User.objects.filter(pk__in=[user.pk for user in choices])
        if actor in choices:
            self.fields["manager"].initial = actor.pk


class ReassignForm(StyledFormMixin, forms.Form):
    manager = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Новый менеджер"))

    def __init__(self, *args: Any, actor: User, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pks = [user.pk for user in assignable_managers(actor) if user.pk != client.manager_id]
        _choice_field(self, "manager").queryset = User.objects.filter(pk__in=pks)


class ContactForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS


class ConsentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = CONSENT_FIELDS
        widgets = {"given_on": DateInput()}
        help_texts = {"contact": _("Пусто — согласие дано от имени клиента в целом.")}

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "contact").queryset = client.contacts.all()
        self.fields["given_on"].initial = today()


class WithdrawConsentForm(StyledFormMixin, forms.Form):
    withdrawn_on = forms.DateField(label=_("Дата отзыва"), widget=DateInput(), initial=today)


class ClientFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Поиск"), required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Название или начало ИНН")}),
    )  # fmt: skip
    segment = forms.ChoiceField(label=_("Сегмент"), required=False, choices=[("", _("Все")), *Segment.choices])
    industry = IndustryChoiceField(Industry.objects.all(), required=False, label=_("Отрасль"), empty_label=_("Все"))
    region = forms.ModelChoiceField(Region.objects.all(), required=False, label=_("Регион"), empty_label=_("Все"))
    manager = forms.ModelChoiceField(User.objects.none(), required=False, label=_("Менеджер"), empty_label=_("Все"))
    strategic = forms.ChoiceField(label=_("Стратегический"), required=False, choices=STRATEGIC_CHOICES)
    ordering = forms.ChoiceField(label=_("Сортировка"), required=False, choices=ORDERING_CHOICES)

    def __init__(self, data: Any, *, viewer: User) -> None:
        super().__init__(data)
        _choice_field(self, "manager").queryset = client_managers(viewer)

    def filters(self) -> ClientFilters:
        """The typed filters; a value that fails to parse (a stale link) is ignored rather than shown as an error."""
        self.is_valid()
        data = self.cleaned_data
        return ClientFilters(
            search=data.get("q") or "",
            segment=data.get("segment") or "",
            industry_id=_pk(data.get("industry")),
            region_id=_pk(data.get("region")),
            manager_id=_pk(data.get("manager")),
            is_strategic={"yes": True, "no": False}.get(data.get("strategic") or ""),
            ordering=data.get("ordering") or DEFAULT_ORDERING,
        )


def _choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _pk(instance: Any) -> int | None:
    return instance.pk if instance is not None else None
