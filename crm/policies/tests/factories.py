"""Test factories for contracts and the finance system's records (for the finance, service, integration tests)."""

import datetime
from decimal import Decimal

import factory

from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.finance.models import Claim, Instalment
from crm.policies.models import Contract


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    number = factory.Sequence(lambda n: f"ИМ-2025-{n:07d}")
    client = factory.SubFactory(ClientFactory)
    product = factory.SubFactory(ProductFactory)
    manager = factory.SelfAttribute("client.manager")
    concluded_on = datetime.date(2025, 1, 15)
    starts_on = datetime.date(2025, 2, 1)
    ends_on = datetime.date(2026, 1, 31)
    written_premium_amount = Decimal("1200000.00")
    commission_amount = Decimal("144000.00")
    external_id = factory.Sequence(lambda n: f"1C-{n:08d}")


class InstalmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instalment

    contract = factory.SubFactory(ContractFactory)
    due_on = datetime.date(2025, 2, 1)
    amount = Decimal("600000.00")
    external_id = factory.Sequence(lambda n: f"1C-PAY-{n:08d}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    contract = factory.SubFactory(ContractFactory)
    client = factory.SelfAttribute("contract.client")
    loss_on = datetime.date(2025, 5, 10)
    reported_on = datetime.date(2025, 5, 12)
    incurred_amount = Decimal("250000.00")
    external_id = factory.Sequence(lambda n: f"1C-CL-{n:08d}")
