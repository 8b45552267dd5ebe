import pytest
from django.db import transaction

from crm.audit.services import record_event


@pytest.fixture
def events(head, manager_a, region):
    with transaction.atomic():
        record_event(
            actor=manager_a, action="client.created", subject=region, changes={"name": [None, "ООО «Ромашка»"]}
        )
        record_event(actor=head, action="deal.moved", subject=region, changes={"stage": ["КП", "Переговоры"]})


@pytest.mark.parametrize(
    ("persona", "status"),
    [("head", 200), ("administrator", 200), ("senior_a", 403), ("manager_a", 403), ("marketing", 403)],
)
def test_only_head_and_administrator_read_the_journal(client, request, events, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/audit/").status_code == status


def test_journal_filters_by_action_prefix_and_actor(client, head, events):
    client.force_login(head)
    page = client.get("/audit/", {"action": "deal."}).content.decode()
    assert "deal.moved" in page and "client.created" not in page

    page = client.get("/audit/", {"actor": "manager_a"}).content.decode()
    assert "client.created" in page and "deal.moved" not in page


def test_journal_page_shows_old_and_new_values(client, head, events):
    client.force_login(head)
    page = client.get("/audit/").content.decode()
    assert "<del>КП</del> → Переговоры" in page
