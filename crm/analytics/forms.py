"""The dashboard's period selector and deviation threshold, read from GET parameters.

The parameters are the API's (`period=month|quarter|year|custom`, `year`, `quarter`, `month`, `first`,
`last`) except the threshold, which people type in percent (`threshold=15` is 15 %). A missing parameter
takes today's value (the current quarter by default); a wrong one is a form error in Russian.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.analytics.queries import default_threshold
from crm.analytics.sales import period_kind
from crm.core.forms import DateInput, StyledFormMixin
from crm.core.periods import Period

PERIOD_KINDS = [("month", _("Месяц")), ("quarter", _("Квартал")), ("year", _("Год")), ("custom", _("Произвольный"))]
QUARTERS = [(1, "I"), (2, "II"), (3, "III"), (4, "IV")]
MAX_CUSTOM_DAYS = 5 * 366
HUNDRED = Decimal(100)


def current_quarter(today: datetime.date) -> Period:
    return Period.quarter(today.year, (today.month - 1) // 3 + 1)


def period_query(period: Period) -> dict[str, str]:
    """The GET parameters that name a period (the inverse of `DashboardForm`)."""
    kind, first = period_kind(period), period.first
    if kind == "custom":
        return {"period": kind, "first": first.isoformat(), "last": period.last.isoformat()}
    params = {"period": kind, "year": str(first.year)}
    if kind == "quarter":
        params["quarter"] = str((first.month - 1) // 3 + 1)
    elif kind == "month":
        params["month"] = str(first.month)
    return params


def period_label(period: Period) -> str:
    """«IV квартал 2026», «Ноябрь 2026», «2026 год», «05.10.2026 – 20.10.2026»."""
    kind, first = period_kind(period), period.first
    if kind == "year":
        return gettext("%(year)s год") % {"year": first.year}
    if kind == "quarter":
        quarter = QUARTERS[(first.month - 1) // 3][1]
        return gettext("%(quarter)s квартал %(year)s") % {"quarter": quarter, "year": first.year}
    if kind == "month":
        return f"{MONTHS[first.month]} {first.year}"
    return f"{first:%d.%m.%Y} – {period.last:%d.%m.%Y}"


def _defaults(today: datetime.date) -> dict[str, str]:
    quarter = current_quarter(today)
    return {
        "period": "quarter",
        "year": str(today.year),
        "quarter": str((today.month - 1) // 3 + 1),
        "month": str(today.month),
        "first": quarter.first.isoformat(),
        "last": quarter.last.isoformat(),
        "threshold": f"{default_threshold() * HUNDRED:f}".rstrip("0").rstrip("."),
    }


class DashboardForm(StyledFormMixin, forms.Form):
    """Which period the dashboard shows and, for the head of sales, the deviation that flags a node."""

    period = forms.ChoiceField(label=_("Период"), choices=PERIOD_KINDS)
    year = forms.IntegerField(label=_("Год"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Квартал"), choices=QUARTERS, coerce=int)
    month = forms.TypedChoiceField(label=_("Месяц"), choices=list(MONTHS.items()), coerce=int)
    first = forms.DateField(label=_("С"), widget=DateInput)
    last = forms.DateField(label=_("По"), widget=DateInput)
    threshold = forms.DecimalField(
        label=_("Порог, %"), min_value=0, max_value=100, max_digits=5, decimal_places=2, localize=True
    )

    def __init__(self, params: Mapping[str, Any], *, today: datetime.date, may_set_threshold: bool) -> None:
        given = {name: params[name] for name in _defaults(today) if params.get(name, "") != ""}
        super().__init__({**_defaults(today), **given})
        self.today = today
        self.threshold_given = may_set_threshold and "threshold" in given
        if may_set_threshold:
            self.fields["threshold"].widget.attrs["inputmode"] = "decimal"
        else:
            del self.fields["threshold"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, year = data.get("period"), data.get("year")
        if kind == "custom":
            self._check_custom(data.get("first"), data.get("last"))
        elif kind and year is not None and not self.errors:
            data["value"] = self._calendar_period(kind, year, data)
        return data

    def _check_custom(self, first: datetime.date | None, last: datetime.date | None) -> None:
        if first is None or last is None:
            return
        if last < first:
            self.add_error("last", gettext("Конец периода раньше начала."))
        elif first.year < 2000 or last.year > 2100:
            self.add_error("first", gettext("Период должен лежать в 2000–2100 годах."))
        elif (last - first).days + 1 > MAX_CUSTOM_DAYS:
            self.add_error("last", gettext("Период длиннее пяти лет."))
        else:
            self.cleaned_data["value"] = Period(first, last)

    @staticmethod
    def _calendar_period(kind: str, year: int, data: dict[str, Any]) -> Period:
        if kind == "year":
            return Period.year(year)
        if kind == "quarter":
            return Period.quarter(year, data["quarter"])
        return Period.month(year, data["month"])

    def selection(self) -> tuple[Period, Decimal | None]:
        """The period and threshold (a fraction) asked for; today's quarter and the default when invalid."""
        if not self.is_valid() or "value" not in self.cleaned_data:
            return current_quarter(self.today), None
        threshold = self.cleaned_data.get("threshold") if self.threshold_given else None
        return self.cleaned_data["value"], None if threshold is None else threshold / HUNDRED

    def query(self) -> str:
        """The selection as a query string, for links that keep the period (and a threshold set by hand)."""
        period, threshold = self.selection()
        params = period_query(period)
        if threshold is not None:
            params["threshold"] = f"{threshold * HUNDRED:f}".rstrip("0").rstrip(".")
        return urlencode(params)
