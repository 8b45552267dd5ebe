"""The reports' filters (read from GET parameters, the same for the pages, the API and the exports) and the
settings form of the toxic score.

Filters: `industry`, `segment` (`none` = without a segment), `region`, `team`, `manager`, `line` (ids), the
report date `on` (LTV and toxic: the window ends on it; default today) or the period `first`–`last` (loss
ratio; default the 36 months ending today), `limit` and `order` (top / bottom) for LTV. The team and manager
lists hold only what the viewer may see; a manager sees no such filters (only their own clients anyway).
"""

import datetime
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.catalog.models import ProductLine
from crm.clients.models import Industry, Segment
from crm.core.forms import DateInput, StyledFormMixin
from crm.core.periods import Period
from crm.core.roles import Role
from crm.org.models import Region, Team, User
from crm.profitability.access import READS_ALL
from crm.profitability.formulas import trailing_window
from crm.profitability.models import ToxicScoreSettings
from crm.profitability.queries import Filters
from crm.profitability.queries.ltv import DEFAULT_LIMIT, MAX_LIMIT
from crm.profitability.results import Order
from crm.profitability.services import EDITABLE_FIELDS

NO_SEGMENT = "none"
SEGMENT_CHOICES = [("", "—"), *Segment.choices, (NO_SEGMENT, _("Без сегмента"))]
MAX_DAYS = 5 * 366
SALES_PEOPLE = [Role.MANAGER, Role.SENIOR_MANAGER]


def _teams_for(viewer: User) -> Any:
    teams = Team.objects.select_related("region").order_by("region__name", "name")
    return teams if viewer.role in READS_ALL else teams.filter(lead=viewer)


def _managers_for(viewer: User) -> Any:
    people = User.objects.filter(role__in=SALES_PEOPLE).order_by("last_name", "first_name")
    if viewer.role in READS_ALL:
        return people
    return people.filter(Q(team__lead=viewer) | Q(pk=viewer.pk))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.short_name)


class ReportFilterForm(StyledFormMixin, forms.Form):
    """Who and what a report covers; invalid values are reported and the report falls back to no filter."""

    industry = forms.ModelChoiceField(label=_("Отрасль"), queryset=Industry.objects.order_by("name"), required=False)
    segment = forms.ChoiceField(label=_("Сегмент"), required=False)
    region = forms.ModelChoiceField(label=_("Регион клиента"), queryset=Region.objects.order_by("name"), required=False)
    team = forms.ModelChoiceField(label=_("Команда"), queryset=Team.objects.none(), required=False)
    manager = PersonChoiceField(label=_("Менеджер"), queryset=User.objects.none(), required=False)
    line = forms.ModelChoiceField(
        label=_("Вид страхования"), queryset=ProductLine.objects.order_by("position", "name"), required=False
    )

    def __init__(self, params: Mapping[str, Any], *, viewer: User, today: datetime.date) -> None:
        super().__init__({name: params.get(name, "") for name in self.base_fields})
        self.today, self.viewer = today, viewer
        cast(forms.ChoiceField, self.fields["segment"]).choices = SEGMENT_CHOICES
        if viewer.role == Role.MANAGER:
            del self.fields["team"], self.fields["manager"]
        else:
            cast(forms.ModelChoiceField, self.fields["team"]).queryset = _teams_for(viewer)
            cast(forms.ModelChoiceField, self.fields["manager"]).queryset = _managers_for(viewer)

    def filters(self) -> Filters:
        """The filters asked for; none when the form is invalid (the page shows the errors)."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        segment = data.get("segment") or None
        return Filters(
            industry_id=data["industry"].pk if data.get("industry") else None,
            segment="" if segment == NO_SEGMENT else segment,
            region_id=data["region"].pk if data.get("region") else None,
            team_id=data["team"].pk if data.get("team") else None,
            manager_id=data["manager"].pk if data.get("manager") else None,
            product_line_id=data["line"].pk if data.get("line") else None,
        )

    def query(self, **changes: Any) -> str:
        """The form's valid parameters as a query string, with some changed (None removes one)."""
        data = self.cleaned_data if self.is_valid() else {}
        params = {
            name: self.data.get(name, "") for name in self.fields if name in data and data[name] not in (None, "")
        }
        for name, value in changes.items():
            params.pop(name, None)
            if value is not None:
                params[name] = str(value)
        return urlencode(params)


class DatedFilterForm(ReportFilterForm):
    """A report that ends on a date: LTV (36 months) and toxic clients (the score's window)."""

    on = forms.DateField(label=_("На дату"), required=False, widget=DateInput)

    def report_date(self) -> datetime.date:
        on = self.cleaned_data.get("on") if self.is_valid() else None
        return on or self.today

    def clean_on(self) -> datetime.date | None:
        on = self.cleaned_data.get("on")
        if on and not datetime.date(2000, 1, 1) <= on <= self.today:
            raise forms.ValidationError(gettext("Дата отчёта — не позже сегодняшнего дня и не раньше 2000 года."))
        return on


class LtvFilterForm(DatedFilterForm):
    """Top or bottom N clients by LTV."""

    order = forms.ChoiceField(
        label=_("Список"), required=False, choices=[("top", _("Лучшие")), ("bottom", _("Худшие"))]
    )
    limit = forms.IntegerField(label=_("Сколько"), required=False, min_value=1, max_value=MAX_LIMIT)

    def order_and_limit(self) -> tuple[Order, int]:
        data = self.cleaned_data if self.is_valid() else {}
        return cast(Order, data.get("order") or "top"), data.get("limit") or DEFAULT_LIMIT


class ToxicFilterForm(DatedFilterForm):
    """Toxic clients on a date."""


class LossRatioFilterForm(ReportFilterForm):
    """Loss ratio over a period (the 36 months ending today unless given)."""

    first = forms.DateField(label=_("С"), required=False, widget=DateInput)
    last = forms.DateField(label=_("По"), required=False, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = trailing_window(self.today)
        first, last = data.get("first") or default.first, data.get("last") or default.last
        if last < first:
            self.add_error("last", gettext("Конец периода раньше начала."))
        elif first.year < 2000 or last.year > 2100:
            self.add_error("first", gettext("Период должен лежать в 2000–2100 годах."))
        elif (last - first).days + 1 > MAX_DAYS:
            self.add_error("last", gettext("Период длиннее пяти лет."))
        else:
            data["window"] = Period(first, last)
        return data

    def window(self) -> Period:
        if self.is_valid():
            return self.cleaned_data["window"]
        return trailing_window(self.today)


class ScoreSettingsForm(StyledFormMixin, forms.ModelForm):
    """The toxic score's window, guards, thresholds and weights (rates as fractions: 0,75 = 75 %)."""

    class Meta:
        model = ToxicScoreSettings
        fields = EDITABLE_FIELDS
        localized_fields = "__all__"

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
