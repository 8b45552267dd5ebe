"""Plan cells typed the Russian way (pure functions, no database)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.planning.services import parse_amount, parse_count


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12 000,50", Decimal("12000.50")),
        ("12\u00a0000,5", Decimal("12000.50")),
        ("1\u202f200\u202f000", Decimal("1200000.00")),
        (" 12000.50 ", Decimal("12000.50")),
        ("0", Decimal("0.00")),
        (12000, Decimal("12000.00")),
        (12000.5, Decimal("12000.50")),
        (Decimal("7.1"), Decimal("7.10")),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_amounts_typed_the_russian_way(typed, amount):
    assert parse_amount(typed) == amount
    if amount is not None:
        assert parse_amount(typed).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Сумма «abc» — не число (пример: 12 000,50)."),
        ("12.000,50", "Сумма «12.000,50» — не число (пример: 12 000,50)."),
        ("1e5", "Сумма «1e5» — не число (пример: 12 000,50)."),
        (True, "Сумма «True» — не число (пример: 12 000,50)."),
        ("-5", "Сумма плана не может быть отрицательной."),
        ("1,234", "Не больше двух знаков после запятой."),
        ("100000000000000", "Слишком большая сумма."),
    ],
)
def test_bad_amounts_are_refused_with_the_reason(typed, message):
    with pytest.raises(ValidationError) as error:
        parse_amount(typed)
    assert error.value.messages == [message]


@pytest.mark.parametrize(("typed", "count"), [("3", 3), ("1 200", 1200), ("4,0", 4), (7, 7), ("", None), (None, None)])
def test_contract_counts(typed, count):
    assert parse_count(typed) == count


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2,5", "Число договоров должно быть целым."),
        ("-1", "Число договоров не может быть отрицательным."),
        ("три", "Число договоров «три» — не число."),
    ],
)
def test_bad_counts(typed, message):
    with pytest.raises(ValidationError) as error:
        parse_count(typed)
    assert error.value.messages == [message]
