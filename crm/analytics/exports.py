"""XLSX of a drill-down table: the rows of one hierarchy level (or a cut) with their figures against plan.

Numbers stay numbers (formatted the Russian way by Excel's locale: `1 234 567 ₽`, `15,3 %`), the header is
bold and frozen with the names column. An undefined deviation is «—», a missing plan «нет плана».
"""

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

import xlsxwriter

from crm.analytics.sales import Flag, PlanFigures
from crm.core.money import to_money

HEADERS = ["Название", "Факт, ₽", "Факт, договоров", "План, ₽", "План на дату, ₽", "Отклонение", "Флаг"]
WIDTHS = [40, 18, 16, 18, 18, 13, 16]
FLAG_TEXT: dict[Flag | None, str] = {"below": "▼ ниже плана", "above": "▲ выше плана", None: ""}
NO_PLAN = "нет плана"
UNDEFINED = "—"
RUB_FORMAT = '#,##0 "₽"'
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
SHEET_NAME_LIMIT = 31


class FigureRow(Protocol):
    """A drill-down row: a `TreeNode` or a `CutRow`."""

    @property
    def name(self) -> str: ...

    @property
    def amount(self) -> PlanFigures: ...

    @property
    def count(self) -> PlanFigures: ...


def _money(value: Decimal | None) -> float | str:
    # Excel stores doubles: the exact Decimal is rounded to kopecks first, then written as a number.
    return NO_PLAN if value is None else float(to_money(value))


def row_values(row: FigureRow) -> list[Any]:
    """One table row as written: name, fact ₽, fact contracts, plan ₽, plan to date ₽, deviation, flag."""
    deviation = row.amount.deviation
    return [
        row.name,
        float(to_money(row.amount.fact)),
        int(row.count.fact),
        _money(row.amount.plan),
        _money(row.amount.plan_to_date),
        UNDEFINED if deviation is None else float(deviation),
        FLAG_TEXT[row.amount.flag],
    ]


def _sheet_name(title: str) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:SHEET_NAME_LIMIT] or "Отчёт"


def drilldown_xlsx(rows: Sequence[FigureRow], *, title: str = "Отчёт") -> bytes:
    """The rows as an .xlsx workbook with one sheet named after `title`."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as workbook:
        sheet = workbook.add_worksheet(_sheet_name(title))
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        formats = [None, RUB_FORMAT, COUNT_FORMAT, RUB_FORMAT, RUB_FORMAT, PERCENT_FORMAT, None]
        cell_formats = [
            workbook.add_format({"num_format": code, "align": "right"}) if code else None for code in formats
        ]
        for column, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
            sheet.write_string(0, column, header, bold)
            sheet.set_column(column, column, width, cell_formats[column])
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row_values(row)):
                sheet.write(index, column, value, cell_formats[column])
        sheet.freeze_panes(1, 1)
    return buffer.getvalue()
