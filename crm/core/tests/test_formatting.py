import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crm.core.money import format_percent, format_rub
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
