"""Checksums of ИНН / ОГРН / ОГРНИП and the КПП format: pure functions, no database.

Expected check digits are computed by hand in the comments, not by the code under test.
"""

import pytest
from django.core.exceptions import ValidationError

from crm.clients.validators import (
    inn_check_digits,
    is_valid_inn,
    is_valid_kpp,
    is_valid_ogrn,
    ogrn_check_digit,
    validate_inn,
    validate_kpp,
    validate_ogrn,
)

SBERBANK_INN = "7707083893"
# ИП: body 5001007322; 11th digit: 5·7+0·2+0·4+1·10+0·3+0·5+7·9+3·4+2·6+2·8 = 148, 148 mod 11 = 5;
# 12th digit over 50010073225: 5·3+0·7+0·2+1·4+0·10+0·3+7·5+3·9+2·4+2·6+5·8 = 141, 141 mod 11 = 9.
SOLE_PROPRIETOR_INN = "500100732259"
SBERBANK_OGRN = "1027700132195"
SOLE_PROPRIETOR_OGRNIP = "304500116000157"


def test_sberbank_inn_check_digit_by_hand():
    # 7·2+7·4+0·10+7·3+0·5+8·9+3·4+8·6+9·8 = 267; 267 mod 11 = 3; 3 mod 10 = 3.
    assert inn_check_digits("770708389") == "3"
    assert is_valid_inn(SBERBANK_INN) is True


def test_constructed_legal_entity_inn():
    # 1·2+2·4+3·10+4·3+5·5+6·9+7·4+8·6+9·8 = 279; 279 mod 11 = 4.
    assert inn_check_digits("123456789") == "4"
    assert is_valid_inn("1234567894") is True
    assert is_valid_inn("1234567895") is False


def test_inn_check_digit_is_zero_when_remainder_is_ten():
    # 1·2 + 0 + … + 0 + 1·8 = 10; 10 mod 11 = 10; 10 mod 10 = 0.
    assert inn_check_digits("100000001") == "0"
    assert is_valid_inn("1000000010") is True


def test_sole_proprietor_inn():
    assert inn_check_digits("5001007322") == "59"
    assert is_valid_inn(SOLE_PROPRIETOR_INN) is True


def test_sberbank_ogrn_check_digit_by_hand():
    # 10 ≡ −1 (mod 11): alternating sum of 102770013219 from the right: 9−1+2−3+1−0+0−7+7−2+0−1 = 5.
    assert ogrn_check_digit("102770013219") == "5"
    assert is_valid_ogrn(SBERBANK_OGRN) is True


def test_constructed_ogrn():
    # Alternating sum of 123456789012 from the right: 2−1+0−9+8−7+6−5+4−3+2−1 = −4 ≡ 7 (mod 11).
    assert ogrn_check_digit("123456789012") == "7"
    assert is_valid_ogrn("1234567890127") is True


def test_sole_proprietor_ogrnip():
    # 30450011600015 = 13 · 2342308584616 + 7, so the check digit is 7.
    assert 13 * 2342308584616 + 7 == 30450011600015
    assert ogrn_check_digit("30450011600015") == "7"
    assert is_valid_ogrn(SOLE_PROPRIETOR_OGRNIP) is True


def single_digit_changes(value: str) -> list[str]:
    """Every number that differs from `value` in exactly one digit: len × 9 variants."""
    return [value[:i] + d + value[i + 1 :] for i in range(len(value)) for d in "0123456789" if d != value[i]]


@pytest.mark.parametrize(
    ("valid", "is_valid", "variants"),
    [
        (SBERBANK_INN, is_valid_inn, 90),
        (SOLE_PROPRIETOR_INN, is_valid_inn, 108),
        (SBERBANK_OGRN, is_valid_ogrn, 117),
        (SOLE_PROPRIETOR_OGRNIP, is_valid_ogrn, 135),
    ],
)
def test_every_single_digit_change_is_rejected(valid, is_valid, variants):
    # These samples' remainders (3; 5 and 9; 5 mod 11; 7 mod 13) are not ones a single change can alias.
    changed = single_digit_changes(valid)
    assert len(changed) == variants
    assert [number for number in changed if is_valid(number)] == []


@pytest.mark.parametrize("value", ["", "770708389", "77070838931", "7707083893000", "1"])
def test_inn_of_wrong_length_is_invalid(value):
    assert is_valid_inn(value) is False


@pytest.mark.parametrize("value", ["77070838 3", "770708389A", "７７０７０８３８９３", "-707083893", "7707083893\n"])
def test_inn_with_non_digits_is_invalid(value):
    assert is_valid_inn(value) is False


@pytest.mark.parametrize("value", ["102770013219", "10277001321950", "1027700132195000", "102770013219X"])
def test_ogrn_of_wrong_length_or_with_letters_is_invalid(value):
    assert is_valid_ogrn(value) is False


@pytest.mark.parametrize("value", ["770101001", "7701AB001", "770143001", "7701Z0001"])
def test_valid_kpp_format(value):
    assert is_valid_kpp(value) is True


@pytest.mark.parametrize("value", ["", "77010100", "7701010010", "7701ab001", "77A101001", "7701010A1", "7701 1001"])
def test_invalid_kpp_format(value):
    assert is_valid_kpp(value) is False


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("77070838A3", "inn_digits", "ИНН состоит только из цифр."),
        ("770708389", "inn_length", "ИНН должен содержать 10 цифр (организация) или 12 цифр (ИП), введено 9."),
        ("7707083894", "inn_checksum", "Неверная контрольная сумма ИНН — проверьте цифры."),
    ],
)
def test_inn_validator_messages(value, code, message):
    with pytest.raises(ValidationError) as raised:
        validate_inn(value)
    assert raised.value.code == code
    assert raised.value.messages == [message]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10277001321A5", "ОГРН состоит только из цифр."),
        ("10277001321", "ОГРН содержит 13 цифр, ОГРНИП — 15 цифр, введено 11."),
        ("1027700132196", "Неверная контрольная цифра ОГРН — проверьте цифры."),
    ],
)
def test_ogrn_validator_messages(value, message):
    with pytest.raises(ValidationError) as raised:
        validate_ogrn(value)
    assert raised.value.messages == [message]


def test_valid_values_pass_the_validators():
    validate_inn(SBERBANK_INN)
    validate_inn(SOLE_PROPRIETOR_INN)
    validate_ogrn(SBERBANK_OGRN)
    validate_ogrn(SOLE_PROPRIETOR_OGRNIP)
    validate_kpp("773601001")


def test_kpp_validator_message():
    with pytest.raises(ValidationError) as raised:
        validate_kpp("7736010")
    assert raised.value.messages == ["КПП — 9 символов: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры."]


def test_inn_with_arabic_indic_digit_is_invalid():
    assert is_valid_inn("\u0667707083893") is False  # «٧» (Arabic-Indic seven) in place of 7


@pytest.mark.parametrize(
    ("validate", "value"), [(validate_inn, "\u00b2707083893"), (validate_ogrn, "\u00b2027700132195")]
)
def test_superscript_digit_gets_a_message_not_a_crash(validate, value):
    with pytest.raises(ValidationError):
        validate(value)  # «²» in place of the first digit: a message, not a ValueError (500)
