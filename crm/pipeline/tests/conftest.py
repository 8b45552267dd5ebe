"""Deals of the persona org chart: one per owner, so access can be checked by scope."""

import pytest
from django.utils import timezone

from crm.clients.factories import ClientFactory
from crm.core.roles import Role
from crm.org.factories import UserFactory
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Stage
from crm.underwriting.models import UnderwritingDecision


@pytest.fixture
def risk_manager(db):
    return UserFactory(username="risk", role=Role.RISK_MANAGER, last_name="Рискова")


@pytest.fixture
def stages(db):
    return list(Stage.objects.order_by("position"))


def deal_for(manager, **fields):
    return DealFactory(client=ClientFactory(manager=manager), **fields)


@pytest.fixture
def deals(manager_a, manager_a2, senior_a, manager_b, underwriter, risk_manager):
    """deal_a (manager_a, team A), deal_a2 (manager_a2, team A), deal_sa (senior_a), deal_b (manager_b, team B).

    The underwriter decided on deal_b, the risk manager on deal_a2; another underwriter on deal_a.
    """
    result = {
        "deal_a": deal_for(manager_a, title="Сделка А"),
        "deal_a2": deal_for(manager_a2, title="Сделка А2"),
        "deal_sa": deal_for(senior_a, title="Сделка СА"),
        "deal_b": deal_for(manager_b, title="Сделка Б"),
    }
    other_underwriter = UserFactory(username="underwriter2", role=Role.UNDERWRITER)
    for deal, person in (
        (result["deal_b"], underwriter),
        (result["deal_a2"], risk_manager),
        (result["deal_a"], other_underwriter),
    ):
        UnderwritingDecision.objects.create(
            deal=deal, underwriter=person, outcome="accepted", decided_at=timezone.now()
        )
    return result
