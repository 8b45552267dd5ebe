"""Forms of the plan editor: which grid to open, and the grid's typed cells with their messages."""

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.translation import gettext_lazy as _

from crm.catalog.models import ProductLine
from crm.core.forms import StyledFormMixin
from crm.core.money import format_number_input
from crm.core.periods import today
from crm.org.models import User
from crm.planning.access import scopes_visible_to
from crm.planning.queries import PlanCell, PlanGrid, PlanRow, cell_name
from crm.planning.services import YEARS, PlanCellInput

SCOPE_LABELS = {"company": _("Компания"), "region": _("Регионы"), "team": _("Команды"), "manager": _("Менеджеры")}
FIELD_LABELS = {"amount": _("сумма, ₽"), "contracts_count": _("число договоров")}


class PlanSelectionForm(StyledFormMixin, forms.Form):
    """Which grid to show: a year, a level of the hierarchy and optionally one product line."""

    year = forms.IntegerField(label=_("Год"), min_value=YEARS.start, max_value=YEARS.stop - 1)
    scope = forms.ChoiceField(label=_("Уровень"))
    product_line = forms.ModelChoiceField(
        label=_("Вид страхования"),
        queryset=ProductLine.objects.all(),
        required=False,
        empty_label=_("Общий план (все виды)"),
    )

    def __init__(self, data: QueryDict, *, user: User) -> None:
        scopes = scopes_visible_to(user)
        defaults = {"year": str(today().year), "scope": scopes[0] if scopes else ""}
        super().__init__(defaults | {name: value for name, value in data.items() if value})
        self.user = user
        cast(forms.ChoiceField, self.fields["scope"]).choices = [
            (scope, SCOPE_LABELS[scope]) for scope in scopes_visible_to(user)
        ]

    def selection(self) -> tuple[int, str, ProductLine | None]:
        """The chosen year, level and line; a missing or invalid choice falls back to its default."""
        self.is_valid()
        scopes = scopes_visible_to(self.user)
        year = self.cleaned_data.get("year") or today().year
        scope = self.cleaned_data.get("scope") or (scopes[0] if scopes else "")
        return year, scope, self.cleaned_data.get("product_line")


@dataclass(frozen=True)
class CellInput:
    """One input of the grid: its name, the text to show, its message, and a label for screen readers."""

    name: str
    value: str
    error: str
    label: str


@dataclass(frozen=True)
class GridRowView:
    row: PlanRow
    cells: list[tuple[CellInput, CellInput]]


class PlanGridForm:
    """The editable grid: saved plans, or after a failed save the typed values with each cell's message."""

    def __init__(self, grid: PlanGrid, data: QueryDict | None = None) -> None:
        self.grid = grid
        self.data = data
        self.errors: dict[str, str] = {}

    def cell_inputs(self) -> list[PlanCellInput]:
        """The typed cells (only those the page sent, so a missing input never clears a plan)."""
        data = self.data or QueryDict()
        inputs = []
        for row in self.grid.rows:
            for cell in row.months:
                amount, count = (cell_name(field, cell.target, cell.month) for field in FIELD_LABELS)
                if amount in data and count in data:
                    inputs.append(PlanCellInput(cell.target, cell.month, data[amount], data[count]))
        return inputs

    def add_errors(self, error: ValidationError) -> None:
        self.errors = {name: messages[0] for name, messages in error.message_dict.items()}

    @property
    def month_labels(self) -> list[str]:
        return [str(MONTHS_3[month]) for month in range(1, 13)]

    def _input(self, field: str, cell: PlanCell, row_label: str) -> CellInput:
        name = cell_name(field, cell.target, cell.month)
        saved = cell.amount if field == "amount" else cell.contracts_count
        value = str(self.data[name]) if self.data is not None and name in self.data else _saved_text(field, saved)
        label = f"{row_label}, {str(MONTHS[cell.month]).lower()}, {FIELD_LABELS[field]}"
        return CellInput(name, value, self.errors.get(name, ""), label)

    @property
    def rows(self) -> list[GridRowView]:
        views = []
        for row in self.grid.rows:
            label = row.target.label
            cells = [(self._input("amount", c, label), self._input("contracts_count", c, label)) for c in row.months]
            views.append(GridRowView(row, cells))
        return views

    def error_summary(self) -> list[str]:
        """Each message with the row, month and value it concerns, for the list above the grid."""
        labels = {row.target.key: row.target.label for row in self.grid.rows}
        summary = []
        for name, message in self.errors.items():
            if name.count("__") != 2:
                summary.append(message)
                continue
            field, target, month = name.split("__")
            where = [labels.get(target, target), str(MONTHS.get(int(month), "")).lower() if month.isdigit() else ""]
            where.append(str(FIELD_LABELS.get(field, "")))
            summary.append(f"{', '.join(part for part in where if part)}: {message}")
        return summary


def _saved_text(field: str, value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return format_number_input(Decimal(value)) if field == "amount" else str(value)
