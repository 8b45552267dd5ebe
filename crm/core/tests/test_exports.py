"""Tables → XLSX and CSV: headers, number formats, frozen header, widths, values, and CSV injection."""

import csv
import datetime
import io
import time
from decimal import Decimal

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse

from crm.core.exports import (
    Column,
    Kind,
    TableSpec,
    csv_bytes,
    csv_response,
    neutralise,
    sheet_name,
    xlsx_bytes,
    xlsx_response,
)

SPEC = TableSpec(
    title="Клиенты: топ/LTV",
    columns=[
        Column("Клиент", Kind.TEXT, 40),
        Column("Премия, ₽", Kind.RUB),
        Column("Убыточность", Kind.PERCENT),
        Column("Договоров", Kind.INTEGER),
        Column("Дата заключения", Kind.DATE),
        Column("Ставка", Kind.DECIMAL),
    ],
    frozen_columns=1,
)
ROWS = [
    ["ООО «Альфа»", Decimal("1234567.891"), Decimal("0.153"), 12, datetime.date(2026, 11, 26), Decimal("1.5")],
    ['=HYPERLINK("http://evil")', Decimal("-15000"), None, 0, None, 2],
    ["+7 495", "нет плана", "—", None, datetime.date(2025, 1, 1), None],
    ["@SUM(A1)", 0, Decimal("1"), 3, None, Decimal("0.005")],
    ["\tтаб", 5, 0.5, 1, None, None],
]


def test_xlsx_has_the_headers_formats_frozen_row_widths_and_values():
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(SPEC, ROWS))).active
    assert sheet.title == "Клиенты  топ LTV"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["Клиент", "Премия, ₽", "Убыточность", "Договоров", "Дата заключения", "Ставка"],
        ["ООО «Альфа»", 1234567.89, 0.153, 12, datetime.datetime(2026, 11, 26), 1.5],
        ['=HYPERLINK("http://evil")', -15000, None, 0, None, 2],
        ["+7 495", "нет плана", "—", None, datetime.datetime(2025, 1, 1), None],
        ["@SUM(A1)", 0, 1, 3, None, 0.005],
        ["\tтаб", 5, 0.5, 1, None, None],
    ]
    assert sheet["A3"].data_type == "s"  # a text that looks like a formula stays text in XLSX
    assert [sheet.cell(2, column).number_format for column in range(2, 7)] == [
        '#,##0 "₽"', "0.0%", "#,##0", "dd.mm.yyyy", "#,##0.00"
    ]  # fmt: skip
    assert sheet["A1"].font.b is True
    assert sheet.freeze_panes == "B2"
    assert [round(sheet.column_dimensions[letter].width) for letter in "ABCDEF"] == [41, 19, 14, 15, 18, 17]


def test_csv_is_for_russian_excel_and_neutralises_formula_looking_texts():
    data = csv_bytes(SPEC, ROWS)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Клиент", "Премия, ₽", "Убыточность", "Договоров", "Дата заключения", "Ставка"],
        ["ООО «Альфа»", "1234567,89", "15,3%", "12", "26.11.2026", "1,50"],
        ['\'=HYPERLINK("http://evil")', "-15000,00", "", "0", "", "2,00"],
        ["'+7 495", "нет плана", "—", "", "01.01.2025", ""],
        ["'@SUM(A1)", "0,00", "100,0%", "3", "", "0,01"],
        ["'\tтаб", "5,00", "50,0%", "1", "", ""],
    ]
    assert data.decode("utf-8-sig").splitlines()[0] == "Клиент;Премия, ₽;Убыточность;Договоров;Дата заключения;Ставка"


@pytest.mark.parametrize(
    ("text", "written"),
    [("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=1", "a=1")],
)
def test_neutralise(text, written):
    assert neutralise(text) == written


def test_sheet_names_are_cleaned_and_never_empty():
    assert sheet_name("a" * 40) == "a" * 31
    assert sheet_name("[]:*?/\\") == "Отчёт"


def test_responses_stream():
    response = csv_response(SPEC, iter(ROWS), "отчёт.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.csv"
    assert b"".join(response.streaming_content) == csv_bytes(SPEC, ROWS)
    workbook = xlsx_response(SPEC, iter(ROWS), "report.xlsx")
    assert isinstance(workbook, FileResponse)
    assert workbook["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert sheet.max_row == 6


def _many(count: int):
    day = datetime.date(2026, 1, 1)
    for number in range(count):
        yield [
            f"Клиент {number}",
            Decimal(number) * 1000 + Decimal("0.5"),
            Decimal(number % 100) / 100,
            number,
            day,
            None,
        ]


@pytest.mark.slow
def test_100_000_rows_stream_to_xlsx_and_csv(capsys):
    """Measured, not asserted: figures in docs/benchmarks.md."""
    started = time.perf_counter()
    response = xlsx_response(SPEC, _many(100_000), "big.xlsx")
    size = sum(len(chunk) for chunk in response.streaming_content)
    xlsx_seconds = time.perf_counter() - started
    started = time.perf_counter()
    csv_size = sum(len(chunk) for chunk in csv_response(SPEC, _many(100_000), "big.csv").streaming_content)
    csv_seconds = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\n100 000 rows: XLSX {xlsx_seconds:.1f} s ({size / 1e6:.1f} MB), "
            f"CSV {csv_seconds:.1f} s ({csv_size / 1e6:.1f} MB)"
        )
    assert size > 1_000_000 and csv_size > 1_000_000
