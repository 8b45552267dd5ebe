"""Story (f) of docs/demo-data.md: the six planted toxic clients (3 «losses», 3 «discount») are flagged on XS.

XS data is generated once for the module inside a transaction that is rolled back.
"""

import datetime

import pytest
from django.db import transaction

from crm.core.roles import Role
from crm.demo.generator import SCALES, generate
from crm.demo.generator.stories import TOXIC_CLIENTS
from crm.org.models import User
from crm.profitability.queries import toxic_clients

TODAY = datetime.date(2026, 11, 26)
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def xs_head(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generate(scale=SCALES["XS"], seed=42, today=TODAY, log=lambda _line: None)
        yield User.objects.filter(role=Role.HEAD_OF_SALES).order_by("pk").first()
        transaction.set_rollback(True)


def test_the_planted_toxic_clients_are_flagged_with_their_reasons(xs_head):
    toxic = toxic_clients(xs_head, TODAY, limit=1000)
    flagged = {row.client.name: row for row in toxic.rows}
    assert set(TOXIC_CLIENTS) <= set(flagged)
    assert any(reason.startswith("убыточность") for reason in flagged["ООО «ТрансКарго Сибирь»"].reasons)
    assert any(
        reason.startswith("платежей с просрочкой") for reason in flagged["ООО «Торговый дом «Меридиан»»"].reasons
    )
    # Precision at XS: at most one client flagged beyond the six.
    assert len(flagged) <= len(TOXIC_CLIENTS) + 1
