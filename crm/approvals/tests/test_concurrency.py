"""Two approvers acting at the same moment produce exactly one decision (row lock + state check).

Real threads, each with its own database connection, on PostgreSQL: SQLite serialises every writer with
its database-wide lock (transactions are IMMEDIATE), so there is no race to test there.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection

from crm.approvals import services
from crm.approvals.models import ApprovalRequest
from crm.approvals.tests.conftest import deal_for, submit
from crm.audit import triggers
from crm.audit.models import AuditEvent
from crm.catalog.factories import ProductFactory
from crm.catalog.models import ProductLine
from crm.catalog.reference import load_reference_data as load_catalog
from crm.clients.reference import load_reference_data as load_clients
from crm.core.roles import Role
from crm.org.factories import RegionFactory, TeamFactory, UserFactory
from crm.org.reference import load_reference_data as load_org
from crm.pipeline.reference import load_reference_data as load_pipeline

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers with one database lock; the race exists only on PostgreSQL",
    ),
]


@pytest.fixture
def waiting_request():
    """A request of 8 % by a manager, routed to their senior; the head may decide too."""
    triggers.install(connection)
    for load in (load_org, load_catalog, load_clients, load_pipeline):
        load(django_apps)
    team = TeamFactory(name="Команда А", region=RegionFactory(name="Центр", code="C"))
    senior = UserFactory(username="senior_a", role=Role.SENIOR_MANAGER, team=team, last_name="Старшова")
    team.lead = senior
    team.save()
    head = UserFactory(username="head", role=Role.HEAD_OF_SALES, last_name="Начальников")
    manager = UserFactory(username="manager_a", role=Role.MANAGER, team=team, last_name="Алексеев")
    product = ProductFactory(product_line=ProductLine.objects.get(code="property"))
    return submit(manager, deal_for(manager, product), "0.08"), senior, head


def _slow_update_deal(original):
    def slow(**kwargs):
        time.sleep(0.3)  # hold the request's row lock long enough for the other approver to run into it
        return original(**kwargs)

    return slow


@pytest.mark.parametrize("second", ["approve_request", "reject_request"])
def test_two_approvers_at_once_make_exactly_one_decision(waiting_request, monkeypatch, second):
    request, senior, head = waiting_request
    assert (request.route, request.approver) == ("senior", senior)  # both the senior and the head may decide
    monkeypatch.setattr(services, "update_deal", _slow_update_deal(services.update_deal))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name: str, actor, action: str) -> None:
        try:
            barrier.wait()
            getattr(services, action)(actor=actor, request=request, comment=f"Решение {name}")
            outcomes[name] = "decided"
        except ValidationError as error:
            outcomes[name] = error.messages[0]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("senior", senior, "approve_request")),
        threading.Thread(target=act, args=("head", head, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    request.refresh_from_db()
    assert sorted(outcomes.values())[0] == "decided"
    refused = [text for text in outcomes.values() if text != "decided"]
    assert len(refused) == 1 and refused[0].startswith(f"Запрос №{request.pk} уже в статусе")
    winner = senior if outcomes["senior"] == "decided" else head
    assert request.decided_by == winner and request.decision_comment.startswith("Решение")
    decisions = AuditEvent.objects.filter(action__in=["approval.approved", "approval.rejected"])
    assert decisions.count() == 1
    assert ApprovalRequest.objects.get().deal.granted_discount_rate == (
        Decimal("0.0800") if request.state == "approved" else None
    )
