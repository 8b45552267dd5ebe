"""File rows → items of the owning service's batch upsert, and the errors of a row in the words of the file.

A row whose cells cannot be read (not a date, a formula, a blank required cell, a repeated external id)
becomes an `InvalidItem`: the service reports it as an error with the others and never writes it. The
service's own errors are keyed by item key; `row_errors` turns them back into «row, column, value, what is
wrong» with the column header of the file.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from crm.core.upserts import NON_FIELD, InvalidItem, UpsertResult
from crm.imports.formats import Row
from crm.imports.sources import Field, Source
from crm.imports.values import CellError, is_blank

ROW_PROBLEM = "__row__"


@dataclass(frozen=True)
class RowError:
    """One line of the error report: row number as the spreadsheet shows it, column, value, message."""

    row: int
    column: str
    value: str
    message: str

    def as_list(self) -> list[Any]:
        return [self.row, self.column, self.value, self.message]


@dataclass(frozen=True)
class Columns:
    """Where each mapped field is in the file: field → column index and header."""

    source: Source
    positions: tuple[tuple[Field, int, str], ...]

    @classmethod
    def of(cls, source: Source, header: list[str], mapping: Mapping[str, str]) -> "Columns":
        positions = tuple(
            (spec, header.index(mapping[spec.key]), mapping[spec.key])
            for spec in source.fields
            if mapping.get(spec.key) in header
        )
        return cls(source, positions)

    def header_of(self, key: str) -> str:
        return next((name for spec, _index, name in self.positions if spec.key == key), "")

    def raw_value(self, row: Row, key: str) -> str:
        for spec, index, _name in self.positions:
            if spec.key == key:
                return display(row.cells[index] if index < len(row.cells) else None)
        return ""


def display(value: Any) -> str:
    """A cell as the report shows it."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%d.%m.%Y"))
    return str(value)


def to_item(columns: Columns, row: Row, seen: dict[str, int]) -> Mapping[str, Any] | InvalidItem:
    """The row as an upsert item, or an InvalidItem carrying the errors of its cells (keyed by item key)."""
    errors: dict[str, list[str]] = {}
    if row.problem:
        return InvalidItem(None, {ROW_PROBLEM: [row.problem]})
    item: dict[str, Any] = {}
    for spec, index, _name in columns.positions:
        cell = row.cells[index] if index < len(row.cells) else None
        try:
            item[spec.key] = _parse(spec, cell)
        except CellError as error:
            errors.setdefault(spec.key, []).append(error.message)
    _check_references(columns, item, errors)
    external_id = item.get("external_id")
    if isinstance(external_id, str) and external_id:
        first = seen.setdefault(external_id, row.number)
        if first != row.number:
            message = _("Внешний ID «%(id)s» уже встречался в файле (строка %(row)s).") % {
                "id": external_id,
                "row": first,
            }
            errors.setdefault("external_id", []).append(message)
    if errors:
        return InvalidItem(external_id if isinstance(external_id, str) else None, errors)
    return item


def _parse(spec: Field, cell: Any) -> Any:
    if is_blank(cell):
        if spec.required:
            raise CellError(_("Обязательное поле не заполнено."))
        return spec.blank
    return spec.parse(cell)


def _check_references(columns: Columns, item: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """A row must name its contract by at least one of the mapped contract columns."""
    for group in columns.source.one_of:
        present = [key for key in group if key in item]
        if present and all(item[key] in (None, "") and key not in errors for key in present):
            headers = " или ".join(f"«{columns.header_of(key)}»" for key in present)
            errors.setdefault(present[0], []).append(
                _("Укажите договор: заполните %(columns)s.") % {"columns": headers}
            )


def row_errors(columns: Columns, row: Row, result: UpsertResult) -> list[RowError]:
    """The service's errors of one row, each tied to the file column it came from."""
    report: list[RowError] = []
    for key, messages in result.errors.items():
        if key in (ROW_PROBLEM, NON_FIELD):
            column, value = "", ""
        else:
            column, value = columns.header_of(key) or key, columns.raw_value(row, key)
        report.extend(RowError(row.number, column, value, str(message)) for message in messages)
    return report
