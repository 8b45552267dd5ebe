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


def test_journal_shows_an_imports_facts_as_they_are_not_as_changes(client, head, region):
    ids = [f"P-{n:05d}" for n in range(2000)]
    with transaction.atomic():
        record_event(
            actor=head,
            action="import.batch_written",
            subject=region,
            changes={"source": "payments", "created": ids, "updated": []},
        )
        record_event(
            actor=head, action="import.uploaded", subject=region, changes={"size": 5500190, "created": ["P-1", "P-2"]}
        )
        record_event(
            actor=head,
            action="approval.approved",
            subject=region,
            changes={
                "frozen_terms": [None, {"discount_rate": "0.3000", "special_terms": ""}],
                "is_final": [None, True],
            },
        )
    client.force_login(head)

    page = client.get("/audit/").content.decode()

    assert "source:</span> payments</li>" in page
    assert "created:</span> всего 2\u00a0000: P-00000, P-00001, P-00002, …</li>" in page
    assert "P-01999" not in page
    assert "updated:</span> —</li>" in page  # nothing updated: a dash, not an empty line
    assert "size:</span> 5500190</li>" in page
    assert "created:</span> всего 2: P-1, P-2</li>" in page  # two ids of an import, not «P-1 → P-2»
    assert "frozen_terms:</span> discount_rate: 0.3000; special_terms: —</li>" in page
    assert "is_final:</span> да</li>" in page
    assert "<del>" not in page  # none of these had an old value
