"""Discount rules over the persona org chart: logistics clients, a cargo product, rules written by the head."""

import datetime
from decimal import Decimal

import pytest

from crm.catalog.factories import ProductFactory
from crm.catalog.models import ProductLine
from crm.clients.factories import ClientFactory
from crm.clients.models import Industry
from crm.discounts import services

LONG_AGO = datetime.date(2020, 1, 1)
MESSAGE = "У небольших логистических компаний высокая убыточность."


@pytest.fixture
def logistics(db):
    return Industry.objects.get(code="logistics")


@pytest.fixture
def transport(db):
    return Industry.objects.get(code="transport")


@pytest.fixture
def cargo(db):
    return ProductFactory(product_line=ProductLine.objects.get(code="cargo"), name="Грузы — экспедиторы")


@pytest.fixture
def kasko(db):
    return ProductFactory(product_line=ProductLine.objects.get(code="kasko"), name="КАСКО автопарк")


def client_with(manager, industry=None, turnover: str | None = None, **fields):
    amount = Decimal(turnover) if turnover is not None else None
    return ClientFactory(manager=manager, industry=industry, turnover_amount=amount, **fields)


def make_rule(head, name: str = "Логистика до 500 млн", max_rate: str = "0.15", **terms):
    """A rule written by the head through the service; conditions and dates as keyword terms."""
    data = {"name": name, "max_discount_rate": Decimal(max_rate), "message": MESSAGE, "starts_on": LONG_AGO}
    return services.create_rule(actor=head, data=data | terms)


def version_of(rule):
    return rule.versions.order_by("-number").first()
