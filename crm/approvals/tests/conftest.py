"""Approvals over the persona org chart (root conftest): team A (senior_a, manager_a, manager_a2), team B.

Role limits come from reference data: manager 5 %, senior manager 10 %, head of sales 25 %.
`deal_a` is manager_a's open deal of 1 000 000 ₽ for a property product; `rule` caps property at 7 %.
"""

import datetime
from decimal import Decimal

import pytest

from crm.approvals import services
from crm.catalog.factories import ProductFactory
from crm.catalog.models import ProductLine
from crm.clients.factories import ClientFactory
from crm.core.roles import Role
from crm.discounts.services import create_rule
from crm.org.factories import UserFactory
from crm.pipeline.factories import DealFactory

JUSTIFICATION = "Клиент страхует у нас 10 филиалов"


@pytest.fixture
def risk_manager(db):
    return UserFactory(username="risk", role=Role.RISK_MANAGER, last_name="Рискова")


@pytest.fixture
def property_product(db):
    return ProductFactory(product_line=ProductLine.objects.get(code="property"), name="Имущество — Базовый")


def deal_for(manager, product, **fields):
    client = ClientFactory(manager=manager, name=fields.pop("client_name", f"ООО «Клиент {manager.username}»"))
    return DealFactory(client=client, manager=manager, product=product, amount=Decimal("1000000.00"), **fields)


@pytest.fixture
def deal_a(manager_a, property_product):
    return deal_for(manager_a, property_product, title="Имущество ООО «Альфа»", client_name="ООО «Альфа»")


@pytest.fixture
def deal_b(manager_b, property_product):
    return deal_for(manager_b, property_product, title="Имущество ООО «Бета»", client_name="ООО «Бета»")


@pytest.fixture
def deal_senior_a(senior_a, property_product):
    return deal_for(senior_a, property_product, title="Имущество ООО «Сигма»", client_name="ООО «Сигма»")


@pytest.fixture
def rule(head):
    """«Имущество: не более 7 %» for every client (property line only)."""
    data = {
        "name": "Имущество: не более 7 %",
        "max_discount_rate": Decimal("0.07"),
        "message": "Убыточность по имуществу выросла.",
        "starts_on": datetime.date(2020, 1, 1),
        "product_lines": [ProductLine.objects.get(code="property")],
    }
    created = create_rule(actor=head, data=data)
    return created.versions.get()


def submit(actor, deal, rate: str | None = "0.08", special_terms: str = "", justification: str = JUSTIFICATION):
    return services.submit_request(
        actor=actor,
        deal=deal,
        discount_rate=None if rate is None else Decimal(rate),
        special_terms=special_terms,
        justification=justification,
    )
