"""Test factories for the funnel."""

from decimal import Decimal

import factory
from django.utils import timezone

from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.pipeline.models import Deal, Stage


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    client = factory.SubFactory(ClientFactory)
    product = factory.SubFactory(ProductFactory)
    manager = factory.SelfAttribute("client.manager")
    title = factory.Sequence(lambda n: f"Сделка {n}")
    stage = factory.LazyFunction(lambda: Stage.objects.order_by("position").first())
    amount = Decimal("1000000.00")
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
