"""Test factories for clients: every generated ИНН/ОГРН has a correct checksum."""

import factory
from django.utils import timezone

from crm.clients.models import Client, Contact
from crm.clients.validators import inn_check_digits, ogrn_check_digit
from crm.org.factories import UserFactory


def make_inn(n: int) -> str:
    body = f"77{n:07d}"
    return body + inn_check_digits(body)


def make_ogrn(n: int) -> str:
    body = f"10277{n:07d}"
    return body + ogrn_check_digit(body)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"ООО «Клиент {n}»")
    inn = factory.Sequence(make_inn)
    kpp = "770101001"
    ogrn = factory.Sequence(make_ogrn)
    manager = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    full_name = factory.Sequence(lambda n: f"Сидоров Сидор {n}")
    phone = "+7 495 000-00-00"
