"""Clients owned across the org chart of the root conftest, and helpers to post forms and JSON."""

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest

from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.clients.models import Client
from crm.policies.models import Contract, ContractStatus


@pytest.fixture
def scoped_clients(manager_a, manager_a2, senior_a, manager_b) -> dict[str, Client]:
    """One client per ownership scope, seen from manager_a: own, same team (colleague and lead), other team."""
    return {
        "own_a": ClientFactory(manager=manager_a, name="ООО «Альфа»", inn="7707083893"),
        "team_a": ClientFactory(manager=manager_a2, name="ООО «Вега»"),
        "lead_a": ClientFactory(manager=senior_a, name="АО «Гамма»"),
        "other_b": ClientFactory(manager=manager_b, name="ООО «Бета»"),
    }


def client_form_data(client: Client, **overrides: Any) -> dict[str, Any]:
    """The edit form's POST body for a client as it is, with some fields changed."""
    data = {
        "name": client.name,
        "short_name": client.short_name,
        "inn": client.inn,
        "kpp": client.kpp,
        "ogrn": client.ogrn,
        "industry": client.industry_id or "",
        "region": client.region_id or "",
        "turnover_amount": client.turnover_amount if client.turnover_amount is not None else "",
        "headcount": client.headcount if client.headcount is not None else "",
        "branch_count": client.branch_count,
        "significance": client.significance,
        "lead_source": client.lead_source_id or "",
        "address": client.address,
    }
    if client.is_strategic:
        data["is_strategic"] = "on"
    data.update(overrides)
    return data


def as_json(payload: dict[str, Any]) -> dict[str, Any]:
    return {"data": json.dumps(payload), "content_type": "application/json"}


def make_contract(client: Client, number: str, premium: str, status: str = ContractStatus.IN_FORCE) -> Contract:
    return Contract.objects.create(
        number=number,
        client=client,
        product=ProductFactory(),
        manager=client.manager,
        concluded_on=datetime.date(2026, 1, 15),
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2027, 1, 31),
        written_premium_amount=Decimal(premium),
        status=status,
    )
