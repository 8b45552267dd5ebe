"""The audit journal is append-only on both databases and `verify_audit` finds hand edits."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from crm.audit import triggers
from crm.audit.models import GENESIS_HASH, AuditEvent
from crm.audit.queries import verify_chain
from crm.audit.services import diff, record_event, record_events


def _event(actor, subject, action="region.renamed", changes=None):
    with transaction.atomic():
        return record_event(actor=actor, action=action, subject=subject, changes=changes or {"name": ["A", "B"]})


@pytest.fixture
def subject(region):
    return region


def test_events_chain_to_the_previous_hash(head, subject):
    first = _event(head, subject)
    second = _event(head, subject, action="region.recoded")

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.hash == first.compute_hash()
    assert (first.actor_label, first.subject_type, first.subject_id) == ("head", "org.region", str(subject.pk))
    assert verify_chain() == (2, [])


def test_a_batch_appends_the_same_chain_as_one_event_at_a_time(head, subject, manager_a):
    first = _event(head, subject)
    with transaction.atomic():
        batch = record_events(
            actor=manager_a,
            events=[("region.renamed", subject, {"name": ["B", "C"]}), ("region.recoded", subject, None)],
        )

    stored = list(AuditEvent.objects.order_by("id"))
    assert [event.action for event in stored] == ["region.renamed", "region.renamed", "region.recoded"]
    assert stored[1].prev_hash == first.hash and stored[2].prev_hash == stored[1].hash
    assert [event.hash for event in batch] == [stored[1].hash, stored[2].hash]
    assert (stored[2].actor_label, stored[2].changes) == ("manager_a", {})
    assert verify_chain() == (3, [])


@pytest.mark.django_db(transaction=True)
def test_a_batch_refuses_to_run_outside_a_transaction(head, subject):
    with pytest.raises(RuntimeError):
        record_events(actor=head, events=[("x", subject, None)])
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_record_event_refuses_to_run_outside_a_transaction(head, subject):
    with pytest.raises(RuntimeError):
        record_event(actor=head, action="x", subject=subject)
    assert AuditEvent.objects.count() == 0


def test_hash_survives_the_database_round_trip_of_decimals_and_dates(head, subject):
    from datetime import date
    from decimal import Decimal

    event = _event(
        head, subject, changes={"amount": [Decimal("1.50"), Decimal("2.00")], "on": [None, date(2026, 11, 26)]}
    )
    stored = AuditEvent.objects.get(pk=event.pk)

    assert stored.changes == {"amount": ["1.50", "2.00"], "on": [None, "2026-11-26"]}
    assert stored.compute_hash() == stored.hash


def test_update_is_forbidden_by_the_database(head, subject):
    event = _event(head, subject)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    assert AuditEvent.objects.get(pk=event.pk).action == "region.renamed"


def test_delete_is_forbidden_by_the_database(head, subject):
    event = _event(head, subject)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).count() == 1


def test_verify_audit_reports_a_row_edited_by_hand(head, subject, capsys):
    _event(head, subject)
    edited = _event(head, subject, action="region.recoded")
    _event(head, subject, action="region.closed")
    call_command("verify_audit")
    assert "3 events verified" in capsys.readouterr().out

    triggers.uninstall(connection)  # what an attacker with DDL rights would do; rolled back with the test
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["forged", edited.pk])

    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit")
    assert f"event {edited.pk}: content does not match its hash" in capsys.readouterr().err
    triggers.install(connection)


def test_verify_audit_reports_a_removed_row(head, subject):
    _event(head, subject)
    removed = _event(head, subject, action="region.recoded")
    following = _event(head, subject, action="region.closed")

    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])

    checked, breaks = verify_chain()
    assert checked == 2
    assert [(b.event_id, b.reason.split(" ")[0]) for b in breaks] == [(following.pk, "prev_hash")]
    triggers.install(connection)


def test_diff_keeps_only_changed_fields():
    assert diff({"a": 1, "b": "x"}, {"a": 2, "b": "x", "c": None}) == {"a": [1, 2]}
