"""Checksums of Russian company identifiers: ИНН, ОГРН, ОГРНИП, and the format of КПП.

Pure functions (`is_valid_*`) plus Django validators that raise a precise Russian message.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def _weighted_check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def inn_check_digits(body: str) -> str:
    """The check digit(s) to append to a 9-digit (legal entity) or 10-digit (sole proprietor) body."""
    if len(body) == 9:
        return str(_weighted_check(body, INN10_WEIGHTS))
    if len(body) == 10:
        first = str(_weighted_check(body, INN12_WEIGHTS_11))
        return first + str(_weighted_check(body + first, INN12_WEIGHTS_12))
    raise ValueError("an INN body has 9 or 10 digits")


def _ascii_digits(value: str) -> bool:
    """Only 0-9: str.isdigit() also accepts Arabic-Indic and superscript digits."""
    return value.isascii() and value.isdigit()


def is_valid_inn(value: str) -> bool:
    if not _ascii_digits(value) or len(value) not in (10, 12):
        return False
    body_length = len(value) - (1 if len(value) == 10 else 2)
    return value[body_length:] == inn_check_digits(value[:body_length])


def ogrn_check_digit(body: str) -> str:
    """Check digit of ОГРН (12-digit body, mod 11) or ОГРНИП (14-digit body, mod 13)."""
    if len(body) == 12:
        return str(int(body) % 11 % 10)
    if len(body) == 14:
        return str(int(body) % 13 % 10)
    raise ValueError("an OGRN body has 12 or 14 digits")


def is_valid_ogrn(value: str) -> bool:
    if not _ascii_digits(value) or len(value) not in (13, 15):
        return False
    return value[-1] == ogrn_check_digit(value[:-1])


def is_valid_kpp(value: str) -> bool:
    return bool(KPP_RE.match(value))


def validate_inn(value: str) -> None:
    if not _ascii_digits(value):
        raise ValidationError(_("ИНН состоит только из цифр."), code="inn_digits")
    if len(value) not in (10, 12):
        raise ValidationError(
            _("ИНН должен содержать 10 цифр (организация) или 12 цифр (ИП), введено %(n)s."),
            code="inn_length",
            params={"n": len(value)},
        )
    if not is_valid_inn(value):
        raise ValidationError(_("Неверная контрольная сумма ИНН — проверьте цифры."), code="inn_checksum")


def validate_ogrn(value: str) -> None:
    if not _ascii_digits(value):
        raise ValidationError(_("ОГРН состоит только из цифр."), code="ogrn_digits")
    if len(value) not in (13, 15):
        raise ValidationError(
            _("ОГРН содержит 13 цифр, ОГРНИП — 15 цифр, введено %(n)s."), code="ogrn_length", params={"n": len(value)}
        )
    if not is_valid_ogrn(value):
        raise ValidationError(_("Неверная контрольная цифра ОГРН — проверьте цифры."), code="ogrn_checksum")


def validate_kpp(value: str) -> None:
    if not is_valid_kpp(value):
        raise ValidationError(
            _("КПП — 9 символов: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры."), code="kpp_format"
        )
