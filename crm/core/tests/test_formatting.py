import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crm.core.money import format_number_input, format_percent, format_rub, parse_number
from crm.core.templatetags.crm_format import ru_date

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "kopecks", "expected"),
    [
        (Decimal("1234567.891"), False, f"1{NB}234{NB}568{NB}₽"),
        (Decimal("1234567.891"), True, f"1{NB}234{NB}567,89{NB}₽"),
        (Decimal("0"), False, f"0{NB}₽"),
        (Decimal("999.5"), False, f"1{NB}000{NB}₽"),
        (Decimal("-15000"), False, f"-15{NB}000{NB}₽"),
        (None, False, "—"),
    ],
)
def test_money_is_shown_the_russian_way(value, kopecks, expected):
    assert format_rub(value, kopecks=kopecks) == expected


def test_rates_are_percent_with_a_decimal_comma_and_undefined_is_a_dash():
    assert format_percent(Decimal("0.153")) == f"15,3{NB}%"
    assert format_percent(Decimal("-0.25")) == f"-25,0{NB}%"
    assert format_percent(None) == "—"


def test_dates_are_dd_mm_yyyy_and_datetimes_in_moscow_time():
    assert ru_date(datetime.date(2026, 11, 26)) == "26.11.2026"
    utc_evening = datetime.datetime(2026, 11, 26, 22, 30, tzinfo=ZoneInfo("UTC"))
    assert ru_date(utc_evening) == "27.11.2026 01:30"
    assert ru_date(None) == "—"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12 000,50", Decimal("12000.50")),
        (f"1{NB}200{NB}000", Decimal("1200000")),
        ("12000.5", Decimal("12000.5")),
        ("  ", None),
        (None, None),
        (7, Decimal(7)),
    ],
)
def test_numbers_typed_the_russian_way_are_parsed(typed, expected):
    assert parse_number(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "12e3", "١٢", True])
def test_anything_else_is_not_a_number(typed):
    with pytest.raises(ValueError):
        parse_number(typed)


def test_a_number_in_an_input_round_trips():
    assert format_number_input(Decimal("1200000.50")) == f"1{NB}200{NB}000,50"
    assert parse_number(format_number_input(Decimal("1200000.50"))) == Decimal("1200000.50")
    assert format_number_input(Decimal("12000.00")) == f"12{NB}000"
