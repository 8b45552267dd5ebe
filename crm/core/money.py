"""Money is Decimal roubles; formatting the Russian way: 1 234 567,89 ₽."""

import re
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
KOPECK = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(KOPECK, rounding=ROUND_HALF_UP)


def group_thousands(integer_part: str) -> str:
    sign = "-" if integer_part.startswith("-") else ""
    digits = integer_part.lstrip("-")
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return sign + NBSP.join(reversed(groups or ["0"]))


def format_rub(value: Decimal | int | None, *, kopecks: bool = False) -> str:
    """`1234567.891` → `1 234 567 ₽` (or `1 234 567,89 ₽` with kopecks); None → `—`."""
    if value is None:
        return "—"
    amount = Decimal(value)
    if kopecks:
        text = f"{to_money(amount):f}"
        integer_part, _, fraction = text.partition(".")
        return f"{group_thousands(integer_part)},{fraction}{NBSP}₽"
    whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{group_thousands(f'{whole:f}')}{NBSP}₽"


def format_percent(rate: Decimal | float | None, digits: int = 1) -> str:
    """A rate as a fraction (0.153) → `15,3 %`; None (undefined ratio) → `—`."""
    if rate is None:
        return "—"
    value = (Decimal(str(rate)) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{value:f}".replace(".", ",") + f"{NBSP}%"


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def parse_number(value: object) -> Decimal | None:
    """A number typed the Russian way: «12 000,50», «12000.5», «1 200»; blank → None; ValueError if not one."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = _SPACES.sub("", str(value)).replace(",", ".")
    if not text:
        return None
    if not text.isascii() or not _NUMBER.fullmatch(text):
        raise ValueError(value)
    return Decimal(text)


def format_number_input(value: Decimal | None) -> str:
    """12000.50 → «12 000,50», 12000.00 → «12 000»: a number in an input, accepted back by `parse_number`."""
    if value is None:
        return ""
    return f"{value:,.2f}".replace(",", NBSP).replace(".", ",").removesuffix(",00")
