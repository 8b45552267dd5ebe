"""XLSX and CSV of the profitability reports: the same rows as the pages, numbers kept as numbers.

Money is rounded to kopecks and formatted `1 234 567 ₽`, rates `15,3 %`, the header is bold and frozen with
the first column; an undefined ratio is «—».
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter

from crm.core.exports import Column as CsvColumn
from crm.core.exports import Kind, TableSpec, csv_bytes
from crm.core.money import to_money
from crm.profitability.results import Economics, LossRatioReport, LtvRanking, ToxicList

RUB = '#,##0 "₽"'
COUNT = "#,##0"
RATIO = "0.00"
PERCENT = "0.0%"
DAYS = "0.0"
UNDEFINED = "—"
LEVEL_TITLES = {"industry": "Отрасль", "segment": "Сегмент", "product_line": "Вид страхования", "client": "Клиент"}


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    number_format: str | None = None


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]


def money(value: Decimal) -> float:
    # Excel stores doubles: the exact Decimal is rounded to kopecks first.
    return float(to_money(value))


def optional(value: Decimal | None) -> float | str:
    return UNDEFINED if value is None else float(value)


CSV_KINDS = {RUB: Kind.RUB, COUNT: Kind.INTEGER, RATIO: Kind.DECIMAL, PERCENT: Kind.PERCENT, DAYS: Kind.DECIMAL}


def document(sheets: Sequence[Sheet], fmt: str) -> bytes:
    """The report as XLSX (every sheet) or CSV (the main sheet: `;`, decimal commas, formulas neutralised)."""
    if fmt == "csv":
        main = sheets[0]
        columns = [
            CsvColumn(column.header, CSV_KINDS.get(column.number_format or "", Kind.TEXT)) for column in main.columns
        ]
        return csv_bytes(TableSpec(main.title, columns), main.rows)
    return workbook(sheets)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an .xlsx file."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        for sheet in sheets:
            page = book.add_worksheet(sheet.title[:31])
            formats = [
                book.add_format({"num_format": c.number_format, "align": "right"}) if c.number_format else None
                for c in sheet.columns
            ]
            for index, column in enumerate(sheet.columns):
                page.write_string(0, index, column.header, bold)
                page.set_column(index, index, column.width, formats[index])
            for number, row in enumerate(sheet.rows, start=1):
                for index, value in enumerate(row):
                    page.write(number, index, value, formats[index])
            page.freeze_panes(1, 1)
    return buffer.getvalue()


LTV_COLUMNS = [
    Column("Клиент", 40),
    Column("Место", 7, COUNT),
    Column("Менеджер", 20),
    Column("Отрасль", 24),
    Column("Заработанная премия, ₽", 18, RUB),
    Column("Заработанная комиссия, ₽", 18, RUB),
    Column("Произошедшие убытки, ₽", 18, RUB),
    Column("LTV, ₽", 18, RUB),
    Column("Договоров", 10, COUNT),
    Column("Виды страхования", 36),
]


def ltv_xlsx(ranking: LtvRanking, fmt: str = "xlsx") -> bytes:
    """The LTV ranking: components, contracts, lines and the LTV of each of the three years."""
    years = [Column(f"LTV {y.first:%d.%m.%Y}–{y.last:%d.%m.%Y}, ₽", 18, RUB) for y in ranking.years]
    rows = [
        [
            row.client.name,
            row.rank,
            row.client.manager,
            row.client.industry,
            money(row.economics.earned_premium),
            money(row.economics.earned_commission),
            money(row.economics.incurred_claims),
            money(row.ltv),
            row.contracts_count,
            ", ".join(row.product_lines),
            *(money(value) for value in row.yearly_ltv),
        ]
        for row in ranking.rows
    ]
    title = "LTV — лучшие" if ranking.order == "top" else "LTV — худшие"
    return document([Sheet(title, [*LTV_COLUMNS, *years], rows)], fmt)


def _economics_cells(economics: Economics) -> list[Any]:
    return [
        money(economics.earned_premium),
        money(economics.incurred_claims),
        optional(economics.loss_ratio),
        economics.claims_count,
        optional(economics.claim_frequency),
        float(round(economics.exposure_years, 2)),
    ]


ECONOMICS_COLUMNS = [
    Column("Заработанная премия, ₽", 18, RUB),
    Column("Произошедшие убытки, ₽", 18, RUB),
    Column("Коэффициент убыточности", 14, RATIO),
    Column("Убытков", 10, COUNT),
    Column("Частота убытков на договоро-год", 14, RATIO),
    Column("Экспозиция, договоро-лет", 14, RATIO),
]


def loss_ratio_xlsx(report: LossRatioReport, fmt: str = "xlsx") -> bytes:
    """The level's rows, the selection's total and the company, and the clients with claims but no premium."""
    rows = [[row.name, *_economics_cells(row.economics), row.clients_count] for row in report.rows]
    rows.append(["Итого по выборке", *_economics_cells(report.total), report.clients_count])
    rows.append(["Компания (всё, что видно)", *_economics_cells(report.company), ""])
    main = Sheet(
        "Убыточность",
        [Column(LEVEL_TITLES[report.level], 40), *ECONOMICS_COLUMNS, Column("Клиентов", 10, COUNT)],
        rows,
    )
    apart = Sheet(
        "Убытки без премии",
        [Column("Клиент", 40), Column("Произошедшие убытки, ₽", 18, RUB), Column("Убытков", 10, COUNT)],
        [[item.client.name, money(item.incurred_claims), item.claims_count] for item in report.without_premium],
    )
    return document([main, apart], fmt)


TOXIC_COLUMNS = [
    Column("Клиент", 40),
    Column("Менеджер", 20),
    Column("Балл", 8, "0.0"),
    Column("Коэффициент убыточности", 14, RATIO),
    Column("Убытков к норме, раз", 12, RATIO),
    Column("Жалоб", 8, COUNT),
    Column("Доля сделок с запросом скидки", 14, PERCENT),
    Column("Средняя запрошенная скидка", 14, PERCENT),
    Column("Средняя предоставленная скидка", 14, PERCENT),
    Column("Доля платежей с просрочкой", 14, PERCENT),
    Column("Средняя просрочка, дн.", 12, DAYS),
    Column("Причины", 100),
]


def toxic_xlsx(toxic: ToxicList, fmt: str = "xlsx") -> bytes:
    """The toxic clients with their figures and reasons."""
    rows = []
    for row in toxic.rows:
        discounts, payments = row.behaviour.discounts, row.behaviour.payments
        rows.append(
            [
                row.client.name,
                row.client.manager,
                float(round(row.score, 1)),
                optional(row.economics.loss_ratio),
                optional(row.claim_frequency_ratio),
                row.behaviour.complaints_count,
                optional(discounts.request_share),
                optional(discounts.average_requested),
                optional(discounts.average_granted),
                optional(payments.share_late),
                optional(payments.average_days_late),
                "; ".join(row.reasons),
            ]
        )
    return document([Sheet("«Токсичные» клиенты", TOXIC_COLUMNS, rows)], fmt)
