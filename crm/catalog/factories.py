"""Test factories for the catalogue (product lines and risks come from reference data)."""

import datetime

import factory

from crm.catalog.models import Product, ProductLine


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    product_line = factory.LazyFunction(lambda: ProductLine.objects.get(code="property"))
    name = factory.Sequence(lambda n: f"Программа {n}")
    launched_on = datetime.date(2023, 1, 1)
