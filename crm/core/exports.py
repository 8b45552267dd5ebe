"""Any report table as XLSX or CSV: a table spec (Russian headers, a kind per column) plus rows, streamed.

A report builds a `TableSpec` and an iterable of rows (values in column order: `Decimal`, `int`, `date`,
`str`, `None`); this module does the formatting, so every table of the product is exported the same way:

- XLSX (xlsxwriter in `constant_memory` mode, written to a temporary file and sent with `FileResponse`):
  bold frozen header row, column widths, numbers stay numbers with the formats `#,##0 "₽"`, `0.0%`,
  `#,##0`, `dd.mm.yyyy`; a text in a numeric column (e.g. «нет плана», «—») is written as text.
- CSV as Russian Excel reads it: UTF-8 with BOM, `;` separator, decimal comma, dates `26.11.2026`,
  streamed row by row (`StreamingHttpResponse`). A text cell that starts with `= + - @`, a tab or a
  carriage return is written with a leading `'`, so a spreadsheet never runs it as a formula (CSV injection).
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import IO, Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from crm.core.money import to_money

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
CSV_SEPARATOR = ";"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_LIMIT = 31
SHEET_NAME_FORBIDDEN = "[]:*?/\\"


class Kind(StrEnum):
    """How a column's values are written: the number format in XLSX, the text shape in CSV."""

    TEXT = "text"
    RUB = "rub"
    PERCENT = "percent"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"


XLSX_FORMATS: dict[Kind, str | None] = {
    Kind.TEXT: None,
    Kind.RUB: '#,##0 "₽"',
    Kind.PERCENT: "0.0%",
    Kind.INTEGER: "#,##0",
    Kind.DECIMAL: "#,##0.00",
    Kind.DATE: "dd.mm.yyyy",
}
DEFAULT_WIDTHS: dict[Kind, int] = {
    Kind.TEXT: 30,
    Kind.RUB: 18,
    Kind.PERCENT: 12,
    Kind.INTEGER: 14,
    Kind.DECIMAL: 16,
    Kind.DATE: 12,
}


@dataclass(frozen=True)
class Column:
    """One column of an exported table: its Russian header, the kind of its values, its width in characters."""

    header: str
    kind: Kind = Kind.TEXT
    width: int | None = None

    @property
    def xlsx_width(self) -> int:
        return self.width or max(DEFAULT_WIDTHS[self.kind], min(len(self.header) + 2, 60))


@dataclass(frozen=True)
class TableSpec:
    """A table to export: the sheet title, the columns, and how many leading columns stay frozen."""

    title: str
    columns: Sequence[Column]
    frozen_columns: int = 0

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def sheet_name(title: str) -> str:
    """An Excel sheet name from a title: no `[]:*?/\\`, at most 31 characters, never empty."""
    cleaned = "".join(" " if char in SHEET_NAME_FORBIDDEN else char for char in title).strip()
    return cleaned[:SHEET_NAME_LIMIT] or "Отчёт"


def neutralise(text: str) -> str:
    """A text cell a spreadsheet would take for a formula gets a leading `'` (OWASP: CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _xlsx_number(kind: Kind, value: Decimal | int | float) -> float | int:
    # Excel stores doubles: money is rounded to kopecks first; whole counts stay integers.
    if kind == Kind.INTEGER and isinstance(value, int):
        return value
    if kind == Kind.RUB:
        return float(to_money(Decimal(value)))
    return float(value)


def _write_xlsx_cell(sheet: Any, row: int, column: int, kind: Kind, value: Any, cell_format: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        sheet.write_string(row, column, value, cell_format)
    elif isinstance(value, datetime.date):
        moment = value if isinstance(value, datetime.datetime) else datetime.datetime.combine(value, datetime.time())
        sheet.write_datetime(row, column, moment.replace(tzinfo=None), cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, _xlsx_number(kind, value), cell_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)


def write_xlsx(spec: TableSpec, rows: Iterable[Sequence[Any]], target: str | IO[bytes]) -> int:
    """Write the table as an .xlsx workbook to a path or a binary file; returns the number of data rows."""
    count = 0
    with xlsxwriter.Workbook(target, {"constant_memory": True, "tmpdir": tempfile.gettempdir()}) as workbook:
        sheet = workbook.add_worksheet(sheet_name(spec.title))
        header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        formats = [
            workbook.add_format({"num_format": code, "align": "right"}) if (code := XLSX_FORMATS[col.kind]) else None
            for col in spec.columns
        ]
        for index, column in enumerate(spec.columns):
            sheet.set_column(index, index, column.xlsx_width, formats[index])
        sheet.freeze_panes(1, spec.frozen_columns)
        for index, column in enumerate(spec.columns):
            sheet.write_string(0, index, column.header, header)
        for count, values in enumerate(rows, start=1):
            for index, (column, value) in enumerate(zip(spec.columns, values, strict=True)):
                _write_xlsx_cell(sheet, count, index, column.kind, value, formats[index])
    return count


def xlsx_bytes(spec: TableSpec, rows: Iterable[Sequence[Any]]) -> bytes:
    """The workbook as bytes (small tables, tests); large exports use `xlsx_response`."""
    with tempfile.TemporaryFile() as buffer:
        write_xlsx(spec, rows, buffer)
        buffer.seek(0)
        return buffer.read()


def xlsx_response(spec: TableSpec, rows: Iterable[Sequence[Any]], filename: str) -> FileResponse:
    """The workbook written to an anonymous temporary file (deleted when sent) and streamed from it."""
    buffer = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the response is sent
    write_xlsx(spec, rows, buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def _decimal_text(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):f}".replace(".", ",")


def csv_cell(kind: Kind, value: Any) -> str:
    """One value as CSV text: `1234567,89`, `15,3%`, `26.11.2026`; texts neutralised."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "да" if value else "нет"
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if kind == Kind.PERCENT:
        return _decimal_text(number * 100, 1) + "%"
    if kind == Kind.INTEGER and number == number.to_integral_value():
        return f"{number:.0f}"
    return _decimal_text(number, 2)


class _Line:
    """A write-only 'file' that hands back what csv.writer wrote (one line at a time)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(spec: TableSpec, rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The table as CSV lines: BOM + header first, then one line per row (CRLF, as Excel writes)."""
    writer = csv.writer(_Line(), delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    yield BOM + writer.writerow([neutralise(header) for header in spec.headers])
    kinds = [column.kind for column in spec.columns]
    for values in rows:
        yield writer.writerow([csv_cell(kind, value) for kind, value in zip(kinds, values, strict=True)])


def _chunks(lines: Iterator[str], size: int = 500) -> Iterator[bytes]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def csv_bytes(spec: TableSpec, rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole CSV as bytes (small tables, tests)."""
    return b"".join(_chunks(csv_lines(spec, rows)))


def csv_response(spec: TableSpec, rows: Iterable[Sequence[Any]], filename: str) -> StreamingHttpResponse:
    """The CSV streamed in chunks of 500 lines: the rows are read while the response is sent."""
    response = StreamingHttpResponse(_chunks(csv_lines(spec, rows)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
