"""XLSX and CSV of a drill-down table: the rows of one hierarchy level (or a cut) with their figures against plan.

The formatting is the shared one of `crm.core.exports`: numbers stay numbers (`1 234 567 ₽`, `15,3 %` by
Excel's locale), the header is bold and frozen with the names column. An undefined deviation is «—», a
missing plan «нет плана».
"""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Protocol

from crm.analytics.sales import Flag, PlanFigures
from crm.core.exports import Column, Kind, TableSpec, csv_bytes, xlsx_bytes
from crm.core.money import to_money

HEADERS = ["Название", "Факт, ₽", "Факт, договоров", "План, ₽", "План на дату, ₽", "Отклонение", "Флаг"]
WIDTHS = [40, 18, 16, 18, 18, 13, 16]
KINDS = [Kind.TEXT, Kind.RUB, Kind.INTEGER, Kind.RUB, Kind.RUB, Kind.PERCENT, Kind.TEXT]
FLAG_TEXT: dict[Flag | None, str] = {"below": "▼ ниже плана", "above": "▲ выше плана", None: ""}
NO_PLAN = "нет плана"
UNDEFINED = "—"


class FigureRow(Protocol):
    """A drill-down row: a `TreeNode` or a `CutRow`."""

    @property
    def name(self) -> str: ...

    @property
    def amount(self) -> PlanFigures: ...

    @property
    def count(self) -> PlanFigures: ...


def _money(value: Decimal | None) -> Decimal | str:
    return NO_PLAN if value is None else to_money(value)


def row_values(row: FigureRow) -> list[Any]:
    """One table row as written: name, fact ₽, fact contracts, plan ₽, plan to date ₽, deviation, flag."""
    deviation = row.amount.deviation
    return [
        row.name,
        to_money(row.amount.fact),
        int(row.count.fact),
        _money(row.amount.plan),
        _money(row.amount.plan_to_date),
        UNDEFINED if deviation is None else deviation,
        FLAG_TEXT[row.amount.flag],
    ]


def drilldown_spec(title: str = "Отчёт") -> TableSpec:
    """The columns of a drill-down table; the names column stays frozen with the header."""
    columns = [Column(header, kind, width) for header, kind, width in zip(HEADERS, KINDS, WIDTHS, strict=True)]
    return TableSpec(title=title, columns=columns, frozen_columns=1)


def _values(rows: Sequence[FigureRow]) -> Iterator[list[Any]]:
    return (row_values(row) for row in rows)


def drilldown_xlsx(rows: Sequence[FigureRow], *, title: str = "Отчёт") -> bytes:
    """The rows as an .xlsx workbook with one sheet named after `title`."""
    return xlsx_bytes(drilldown_spec(title), _values(rows))


def drilldown_csv(rows: Sequence[FigureRow], *, title: str = "Отчёт") -> bytes:
    """The same rows as CSV for Russian Excel (UTF-8 with BOM, `;`, decimal comma)."""
    return csv_bytes(drilldown_spec(title), _values(rows))
