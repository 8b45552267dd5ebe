"""Cells → values, the way Russian exports write them: exact results and exact messages."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crm.imports.formats import ExcelError, Formula
from crm.imports.values import (
    CellError,
    parse_amount,
    parse_choice,
    parse_code,
    parse_date,
    parse_inn,
    parse_integer,
    parse_moment,
    parse_percent,
    parse_text,
)

MSK = ZoneInfo("Europe/Moscow")
FORMULA = "похоже на формулу Excel — такие ячейки не принимаются. Уберите этот знак в начале."


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1\u00a0234\u00a0567,5", Decimal("1234567.50")),
        ("1\u202f234,56", Decimal("1234.56")),
        ("1\u2009234", Decimal("1234.00")),
        ("1234.56", Decimal("1234.56")),
        ("12 000", Decimal("12000.00")),
        ("12 000,50 ₽", Decimal("12000.50")),
        ("500 руб.", Decimal("500.00")),
        ("0", Decimal("0.00")),
        (1500, Decimal("1500.00")),
        (1234.56, Decimal("1234.56")),
        (0.1 + 0.2, Decimal("0.30")),
    ],
)
def test_amounts_are_read_with_decimal_commas_and_any_thousands_spaces(cell, expected):
    assert parse_amount(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-5", "Сумма не может быть отрицательной: -5."),
        ("\u22125", "Сумма не может быть отрицательной: \u22125."),
        ("1,234.56", "«1,234.56» — не число (пример: 1 234,56)."),
        ("12,345", "В сумме больше двух знаков после запятой: 12,345."),
        ("сто", "«сто» — не число (пример: 1 234,56)."),
        (
            "=1+2",
            "Значение начинается с «=» и " + FORMULA,
        ),
        (
            "+5",
            "Значение начинается с «+» и " + FORMULA,
        ),
        (True, "Ожидалось число, а в ячейке «True»."),
        (Formula("=B2*2"), "В ячейке формула «=B2*2»: формулы не вычисляются — вставьте в файл значения."),
        (ExcelError("#DIV/0!"), "В ячейке ошибка Excel «#DIV/0!»."),
    ],
)
def test_bad_amounts_get_their_reason(cell, message):
    with pytest.raises(CellError) as raised:
        parse_amount(cell)
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("26.11.2026", datetime.date(2026, 11, 26)),
        ("1.2.2025", datetime.date(2025, 2, 1)),
        ("2026-11-26", datetime.date(2026, 11, 26)),
        ("26.11.2026 00:00", datetime.date(2026, 11, 26)),
        ("2026-11-26T00:00:00", datetime.date(2026, 11, 26)),
        (datetime.datetime(2026, 11, 26), datetime.date(2026, 11, 26)),
        (datetime.date(2026, 11, 26), datetime.date(2026, 11, 26)),
    ],
)
def test_dates_russian_or_iso(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31.02.2026", "Такой даты нет: «31.02.2026»."),
        ("26/11/2026", "«26/11/2026» — не дата: пишите 26.11.2026 или 2026-11-26."),
        ("26.11.26", "«26.11.26» — не дата: пишите 26.11.2026 или 2026-11-26."),
        ("01.01.1899", "Дата «01.01.1899» вне допустимого диапазона (2000–2100 годы)."),
        ("26.11.2026 14:30", "Ожидалась дата без времени, а в ячейке «26.11.2026 14:30»."),
        (46352, "Дата записана числом 46352 — задайте ячейке формат «Дата»."),
        (
            "@SUM(A1)",
            "Значение начинается с «@» и " + FORMULA,
        ),
    ],
)
def test_bad_dates_get_their_reason(cell, message):
    with pytest.raises(CellError) as raised:
        parse_date(cell)
    assert raised.value.message == message


def test_moments_are_moscow_time_and_a_bare_date_is_midnight():
    assert parse_moment("26.11.2026 14:30") == datetime.datetime(2026, 11, 26, 14, 30, tzinfo=MSK)
    assert parse_moment("2026-11-26T09:05:07") == datetime.datetime(2026, 11, 26, 9, 5, 7, tzinfo=MSK)
    assert parse_moment("26.11.2026") == datetime.datetime(2026, 11, 26, 0, 0, tzinfo=MSK)
    with pytest.raises(CellError) as raised:
        parse_moment("26.11.2026 25:00")
    assert raised.value.message == "Время «25:00» не распознано: пишите 14:30."


def test_percent_is_written_in_percent_and_stored_as_a_fraction():
    assert [parse_percent(cell) for cell in ("15", "15 %", "15,5%", 7)] == [
        Decimal("0.1500"), Decimal("0.1500"), Decimal("0.1550"), Decimal("0.0700")
    ]  # fmt: skip
    with pytest.raises(CellError) as raised:
        parse_percent("150")
    assert raised.value.message == "Процент — от 0 до 100, а в ячейке «150»."


def test_integers_within_a_range():
    assert parse_integer("9", minimum=0, maximum=10) == 9
    assert parse_integer(10.0, minimum=0, maximum=10) == 10
    with pytest.raises(CellError) as raised:
        parse_integer("11", minimum=0, maximum=10)
    assert raised.value.message == "Число 11 вне допустимого диапазона 0–10."
    with pytest.raises(CellError) as raised:
        parse_integer("7,5", minimum=0, maximum=10)
    assert raised.value.message == "Ожидалось целое число, а в ячейке «7,5»."


def test_choices_by_russian_label_or_code_in_any_case():
    choices = {"paid": "Выплачен", "refused": "Отказано в выплате"}
    assert [parse_choice(cell, choices) for cell in ("Выплачен", "ВЫПЛАЧЕН.", "paid", " отказано  в выплате ")] == [
        "paid", "paid", "paid", "refused"
    ]  # fmt: skip
    with pytest.raises(CellError) as raised:
        parse_choice("Оплачен", choices)
    assert raised.value.message == "Значение «Оплачен» не из списка: «Выплачен», «Отказано в выплате»."


def test_texts_codes_and_inn():
    assert parse_text("  Клиент доволен ", max_length=100) == "Клиент доволен"
    assert parse_code(12345.0, max_length=64) == "12345"
    assert parse_inn(277000010) == "0277000010"
    assert parse_inn("7707083893") == "7707083893"
    with pytest.raises(CellError) as raised:
        parse_inn("77070838")
    assert raised.value.message == "ИНН — 10 или 12 цифр, а в ячейке «77070838»."
    with pytest.raises(CellError) as raised:
        parse_text("- клиент недоволен", max_length=100)
    assert raised.value.message.startswith("Значение начинается с «-» и похоже на формулу Excel")
    with pytest.raises(CellError) as raised:
        parse_text("x" * 11, max_length=10)
    assert raised.value.message == "Текст длиннее 10 символов (11)."
