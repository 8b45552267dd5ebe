"""Cells of an imported file turned into typed values the way Russian exports write them.

Numbers: `1 234,56`, `1234.56`, `1 234 567` with spaces, non-breaking or narrow spaces as thousands
separators, an optional `₽`/`руб.` suffix, a Unicode minus. Dates: `26.11.2026` or ISO `2026-11-26`
(with an optional time for a moment). XLSX cells arrive already typed (numbers, datetimes).

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number is
taken for a spreadsheet formula and refused (CSV injection): the CRM would store it harmlessly, but the
same text exported again would run in the next spreadsheet. `-5` is a number, and an amount of `-5` is
refused for being negative, not as a formula.
"""

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.exports import FORMULA_TRIGGERS
from crm.core.money import parse_number
from crm.imports.formats import ExcelError, Formula

CURRENCY_SUFFIXES = ("₽", "руб.", "руб", "р.")
PERCENT_SIGN = "%"
MINUS_SIGNS = ("\u2212", "\u2013")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
RU_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
SERIAL_DATES = range(1, 80_000)


class CellError(ValueError):
    """The cell's value is not acceptable; `message` says why, in Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _looks_like_number(text: str) -> bool:
    try:
        _number(text)
    except CellError:
        return False
    return True


def refuse_formulas(value: Any) -> None:
    """CellError for an XLSX formula, an Excel error value, or a text that a spreadsheet would run."""
    if isinstance(value, Formula):
        raise CellError(
            _("В ячейке формула «%(formula)s»: формулы не вычисляются — вставьте в файл значения.") % {"formula": value}
        )
    if isinstance(value, ExcelError):
        raise CellError(_("В ячейке ошибка Excel «%(value)s».") % {"value": value})
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _looks_like_number(value):
        raise CellError(
            _(
                "Значение начинается с «%(char)s» и похоже на формулу Excel — такие ячейки не принимаются. "
                "Уберите этот знак в начале."
            )
            % {"char": value[0].replace("\t", "табуляция").replace("\r", "возврат каретки")}
        )


def _number(value: Any) -> Decimal:
    """Any numeric cell as a Decimal; CellError when it is not one."""
    if isinstance(value, bool):
        raise CellError(_("Ожидалось число, а в ячейке «%(value)s».") % {"value": value})
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = str(value).strip()
    for minus in MINUS_SIGNS:
        text = text.replace(minus, "-")
    for suffix in CURRENCY_SUFFIXES:
        if text.casefold().endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    try:
        number = parse_number(text)
    except ValueError:
        raise CellError(_("«%(value)s» — не число (пример: 1 234,56).") % {"value": value}) from None
    if number is None:
        raise CellError(_("«%(value)s» — не число (пример: 1 234,56).") % {"value": value})
    return number


def parse_amount(value: Any) -> Decimal:
    """Roubles with at most two decimals, not negative (the absurd ceiling is the owning service's rule)."""
    refuse_formulas(value)
    amount = _number(value)
    if amount < 0:
        raise CellError(_("Сумма не может быть отрицательной: %(value)s.") % {"value": value})
    try:
        exact = amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(_("Сумма неправдоподобно велика: %(value)s.") % {"value": value}) from None
    # A float from XLSX may carry binary noise (0.1 + 0.2); a typed text must be exact.
    noise = isinstance(value, float) and abs(exact - amount) <= Decimal("0.000001")
    if exact != amount and not noise:
        raise CellError(_("В сумме больше двух знаков после запятой: %(value)s.") % {"value": value})
    return exact


def parse_integer(value: Any, *, minimum: int, maximum: int) -> int:
    """A whole number within [minimum, maximum]."""
    refuse_formulas(value)
    number = _number(value)
    if number != number.to_integral_value():
        raise CellError(_("Ожидалось целое число, а в ячейке «%(value)s».") % {"value": value})
    if not minimum <= number <= maximum:
        raise CellError(
            _("Число %(value)s вне допустимого диапазона %(min)s–%(max)s.")
            % {"value": value, "min": minimum, "max": maximum}
        )
    return int(number)


def parse_percent(value: Any) -> Decimal:
    """A rate written in percent — `15`, `15 %`, `15,5%` — as a fraction (0.155); from 0 to 100 %."""
    refuse_formulas(value)
    text = str(value).strip() if not isinstance(value, int | float | Decimal) else value
    if isinstance(text, str) and text.endswith(PERCENT_SIGN):
        text = text.removesuffix(PERCENT_SIGN).strip()
    number = _number(text)
    if not 0 <= number <= 100:
        raise CellError(_("Процент — от 0 до 100, а в ячейке «%(value)s».") % {"value": value})
    return (number / 100).quantize(Decimal("0.0001"))


def _checked_date(year: int, month: int, day: int, raw: Any) -> datetime.date:
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("Такой даты нет: «%(value)s».") % {"value": raw}) from None
    if not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
        raise CellError(
            _("Дата «%(value)s» вне допустимого диапазона (%(first)s–%(last)s годы).")
            % {"value": raw, "first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return result


def _split_date_time(text: str) -> tuple[str, str]:
    date_part, _sep, time_part = text.replace("T", " ").partition(" ")
    return date_part.strip(), time_part.strip()


def _date_from_text(text: str, raw: Any) -> datetime.date:
    if match := RU_DATE.fullmatch(text):
        day, month, year = (int(group) for group in match.groups())
        return _checked_date(year, month, day, raw)
    if match := ISO_DATE.fullmatch(text):
        year, month, day = (int(group) for group in match.groups())
        return _checked_date(year, month, day, raw)
    raise CellError(_("«%(value)s» — не дата: пишите 26.11.2026 или 2026-11-26.") % {"value": raw})


def parse_date(value: Any) -> datetime.date:
    """`26.11.2026`, `2026-11-26` or an XLSX date cell; a time of day, if any, must be midnight."""
    refuse_formulas(value)
    if isinstance(value, datetime.datetime):
        return _checked_date(value.year, value.month, value.day, value.strftime("%d.%m.%Y"))
    if isinstance(value, datetime.date):
        return _checked_date(value.year, value.month, value.day, value.strftime("%d.%m.%Y"))
    if isinstance(value, int | float) and not isinstance(value, bool) and int(value) in SERIAL_DATES:
        raise CellError(_("Дата записана числом %(value)s — задайте ячейке формат «Дата».") % {"value": value})
    date_part, time_part = _split_date_time(str(value).strip())
    if time_part and not re.fullmatch(r"0{1,2}:00(:00)?", time_part):
        raise CellError(_("Ожидалась дата без времени, а в ячейке «%(value)s».") % {"value": value})
    return _date_from_text(date_part, value)


def parse_moment(value: Any) -> datetime.datetime:
    """A date with an optional time (`26.11.2026 14:30`, ISO) in Moscow time; a bare date is midnight."""
    refuse_formulas(value)
    if isinstance(value, datetime.datetime):
        day = parse_date(value.date())
        naive = datetime.datetime.combine(day, value.time())
        return timezone.make_aware(naive) if timezone.is_naive(naive) else naive
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(parse_date(value), datetime.time()))
    date_part, time_part = _split_date_time(str(value).strip())
    day = _date_from_text(date_part, value) if not isinstance(value, int | float) else parse_date(value)
    moment = datetime.time()
    if time_part:
        match = TIME.fullmatch(time_part)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59 or int(match.group(3) or 0) > 59:
            raise CellError(_("Время «%(value)s» не распознано: пишите 14:30.") % {"value": time_part})
        moment = datetime.time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def parse_text(value: Any, *, max_length: int) -> str:
    """A text cell: stripped, at most `max_length` characters, no formula-looking start."""
    refuse_formulas(value)
    text = _plain(value)
    if len(text) > max_length:
        raise CellError(
            _("Текст длиннее %(limit)s символов (%(length)s).") % {"limit": max_length, "length": len(text)}
        )
    return text


def _plain(value: Any) -> str:
    """A cell as text; an XLSX number that is really a code (12345.0) loses its `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def parse_code(value: Any, *, max_length: int) -> str:
    """An identifier (external id, contract number, login): text without inner line breaks."""
    text = parse_text(value, max_length=max_length)
    if "\n" in text or "\r" in text:
        raise CellError(_("В идентификаторе не должно быть переносов строк."))
    return text


def parse_inn(value: Any) -> str:
    """An ИНН as text: 10 or 12 digits (a number cell that lost its leading zero gets it back)."""
    refuse_formulas(value)
    text = _plain(value)
    if isinstance(value, int | float) and len(text) in (9, 11):
        text = text.zfill(len(text) + 1)
    if not text.isdigit() or len(text) not in (10, 12):
        raise CellError(_("ИНН — 10 или 12 цифр, а в ячейке «%(value)s».") % {"value": value})
    return text


def normalise_label(text: str) -> str:
    """Case, «ё», spaces and a trailing dot do not matter when a label or a header is compared."""
    return " ".join(text.casefold().replace("ё", "е").split()).rstrip(".")


def parse_choice(value: Any, choices: Mapping[str, str]) -> str:
    """A choice given by its Russian label or its code (any case); the code is returned."""
    refuse_formulas(value)
    wanted = normalise_label(_plain(value))
    for code, label in choices.items():
        if wanted in (normalise_label(code), normalise_label(label)):
            return code
    allowed = ", ".join(f"«{label}»" for label in choices.values())
    raise CellError(_("Значение «%(value)s» не из списка: %(allowed)s.") % {"value": value, "allowed": allowed})
