"""Threads on records of the persona org chart: two approval requests of team A, a client of manager_a."""

from decimal import Decimal

import pytest

from crm.approvals.services import submit_request
from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.core.roles import Role
from crm.org.factories import UserFactory
from crm.pipeline.factories import DealFactory


@pytest.fixture
def risk_manager(db):
    return UserFactory(username="risk", role=Role.RISK_MANAGER, last_name="Рискова")


def _request(manager, name: str):
    deal = DealFactory(client=ClientFactory(manager=manager, name=name), manager=manager, product=ProductFactory())
    return submit_request(actor=manager, deal=deal, discount_rate=Decimal("0.12"), justification="10 филиалов")


@pytest.fixture
def approval(head, manager_a):
    return _request(manager_a, "ООО «Альфа»")


@pytest.fixture
def other_approval(head, manager_a):
    return _request(manager_a, "ООО «Гамма»")
