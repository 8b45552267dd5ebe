"""Valid Russian company identifiers: ИНН with check digits, КПП, ОГРН and ОГРНИП."""

import random

from crm.clients.validators import inn_check_digits, ogrn_check_digit


class IdentifierPool:
    """Hands out unique ИНН for one generation run (clients and leads share the pool)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def legal_entity_inn(self, rng: random.Random, tax_region: str) -> str:
        """A 10-digit ИНН of an organisation registered in `tax_region` (two digits)."""
        return self._unique_inn(rng, tax_region, serial_digits=5)

    def sole_proprietor_inn(self, rng: random.Random, tax_region: str) -> str:
        """A 12-digit ИНН of a sole proprietor."""
        return self._unique_inn(rng, tax_region, serial_digits=6)

    def _unique_inn(self, rng: random.Random, tax_region: str, *, serial_digits: int) -> str:
        while True:
            district = rng.randint(1, 99)  # drawn before the serial, as the data's checksums were made
            serial = rng.randint(0, 10**serial_digits - 1)
            body = f"{tax_region}{district:02d}{serial:0{serial_digits}d}"
            inn = body + inn_check_digits(body)
            if inn not in self._taken:
                self._taken.add(inn)
                return inn


def kpp_for(inn: str) -> str:
    """КПП of a head office: the tax office of the ИНН, reason code 01, serial 001."""
    return f"{inn[:4]}01001"


def ogrn(rng: random.Random, tax_region: str) -> str:
    """A 13-digit ОГРН: sign 1, year of registration, region, serial, check digit."""
    body = f"1{rng.randint(2, 23):02d}{tax_region}{rng.randint(0, 9_999_999):07d}"
    return body + ogrn_check_digit(body)


def ogrnip(rng: random.Random, tax_region: str) -> str:
    """A 15-digit ОГРНИП: sign 3, year, region, serial, check digit."""
    body = f"3{rng.randint(4, 23):02d}{tax_region}{rng.randint(0, 999_999_999):09d}"
    return body + ogrn_check_digit(body)
