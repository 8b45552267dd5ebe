"""Business rules of the client use cases: one audit event per action, nothing saved on invalid input."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crm.audit.models import AuditEvent
from crm.audit.queries import verify_chain
from crm.clients.factories import ClientFactory, ContactFactory
from crm.clients.models import Client, Consent, Contact, Industry, Segment
from crm.clients.services import (
    add_contact,
    create_client,
    reassign_client_manager,
    record_consent,
    update_client,
    update_contact,
    withdraw_consent,
)
from crm.core.periods import today

VALID = {"name": "ООО «Ромашка»", "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195"}


def counts() -> tuple[int, int]:
    return Client.objects.count(), AuditEvent.objects.count()


def test_create_client_records_one_event_with_the_new_values(senior_a, manager_a):
    industry = Industry.objects.get(code="logistics")

    client = create_client(
        {**VALID, "manager": manager_a, "industry": industry, "turnover_amount": Decimal("500000000")}, actor=senior_a
    )

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject_type, event.subject_id) == (
        "client.created", senior_a, "clients.client", str(client.pk)
    )  # fmt: skip
    assert event.changes == {
        "name": [None, "ООО «Ромашка»"],
        "inn": [None, "7707083893"],
        "kpp": [None, "773601001"],
        "ogrn": [None, "1027700132195"],
        "industry": [None, "Логистика и грузоперевозки"],
        "turnover_amount": [None, "500000000"],
        "branch_count": [None, 0],
        "significance": [None, "low"],
        "is_strategic": [None, False],
        "manager": [None, "Алексеев И."],
    }
    assert client.segment == Segment.SMALL  # 500 M ₽ ≤ 800 M ₽


def test_update_client_records_old_and_new_of_changed_fields_only(senior_a, manager_a):
    client = ClientFactory(manager=manager_a, name="ООО «Альфа»", turnover_amount=Decimal("100000000.00"))

    updated = update_client(
        client, {"name": "ООО «Альфа-Плюс»", "turnover_amount": Decimal("150000000"), "kpp": client.kpp}, actor=senior_a
    )

    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == ("client.updated", senior_a)
    assert event.changes == {
        "name": ["ООО «Альфа»", "ООО «Альфа-Плюс»"],
        "turnover_amount": ["100000000.00", "150000000"],
    }
    client.refresh_from_db()
    # 100 M ₽ is micro (≤ 120 M ₽), 150 M ₽ small (≤ 800 M ₽): the segment follows the turnover.
    assert (client.name, client.turnover_amount, client.segment) == (
        "ООО «Альфа-Плюс»",
        Decimal("150000000.00"),
        "small",
    )
    assert updated.name == "ООО «Альфа-Плюс»"


def test_update_without_changes_records_nothing(manager_a):
    client = ClientFactory(manager=manager_a, name="ООО «Альфа»")

    update_client(client, {"name": "ООО «Альфа»"}, actor=manager_a)

    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"inn": "7707083894"}, {"inn": ["Неверная контрольная сумма ИНН — проверьте цифры."]}),
        ({"name": ""}, {"name": ["Это поле не может быть пустым."]}),
        ({"kpp": "77360100"}, {"kpp": ["КПП — 9 символов: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры."]}),
        ({"inn": "500100732259"}, {"kpp": ["У индивидуального предпринимателя нет КПП."],
                                   "ogrn": ["У ИП — ОГРНИП из 15 цифр."]}),
    ],
)  # fmt: skip
def test_invalid_input_raises_field_messages_and_saves_nothing(manager_a, fields, errors):
    with pytest.raises(ValidationError) as raised:
        create_client({**VALID, "manager": manager_a, **fields}, actor=manager_a)

    assert raised.value.message_dict == errors
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("actor", "owner", "message"),
    [
        ("senior_a", "manager_b", "Ответственным можно назначить только себя или менеджера своей команды."),
        ("manager_a", "manager_a2", "Менеджер может вести только своих клиентов — назначьте себя."),
        ("head", "underwriter", "Ответственным можно назначить только действующего менеджера или старшего менеджера."),
    ],
)
def test_manager_outside_the_actors_reach_is_refused(request, actor, owner, message):
    with pytest.raises(ValidationError) as raised:
        create_client({**VALID, "manager": request.getfixturevalue(owner)}, actor=request.getfixturevalue(actor))

    assert raised.value.message_dict == {"manager": [message]}
    assert counts() == (0, 0)


def test_field_errors_and_manager_error_come_together(senior_a, manager_b):
    with pytest.raises(ValidationError) as raised:
        create_client({**VALID, "inn": "7707083894", "manager": manager_b}, actor=senior_a)

    assert set(raised.value.message_dict) == {"inn", "manager"}


def test_duplicate_inn_is_refused(manager_a):
    ClientFactory(inn="7707083893", manager=manager_a)

    with pytest.raises(ValidationError) as raised:
        create_client({**VALID, "manager": manager_a}, actor=manager_a)

    assert raised.value.message_dict == {"inn": ["Клиент с таким ИНН уже существует."]}
    assert counts() == (1, 0)


def test_only_the_sales_hierarchy_creates_clients(service_desk):
    with pytest.raises(PermissionDenied):
        create_client({**VALID, "manager": service_desk}, actor=service_desk)

    assert counts() == (0, 0)


def test_update_to_a_manager_of_another_team_is_refused(senior_a, manager_a, manager_b):
    client = ClientFactory(manager=manager_a, name="ООО «Альфа»")

    with pytest.raises(ValidationError):
        update_client(client, {"manager": manager_b, "name": "ООО «Омега»"}, actor=senior_a)

    client.refresh_from_db()
    assert (client.manager, client.name, AuditEvent.objects.count()) == (manager_a, "ООО «Альфа»", 0)


def test_unknown_field_is_a_programming_error(manager_a):
    client = ClientFactory(manager=manager_a)

    with pytest.raises(TypeError, match="segment"):
        update_client(client, {"segment": "key"}, actor=manager_a)


def test_reassign_within_team_records_old_and_new_manager(senior_a, manager_a, manager_a2):
    client = ClientFactory(manager=manager_a)

    reassign_client_manager(client, actor=senior_a, manager=manager_a2)

    client.refresh_from_db()
    event = AuditEvent.objects.get()
    assert (client.manager, event.action, event.changes) == (
        manager_a2, "client.manager_reassigned", {"manager": ["Алексеев И.", "Андреев И."]}
    )  # fmt: skip


@pytest.mark.parametrize(("target", "message"), [
    ("manager_b", "Ответственным можно назначить только себя или менеджера своей команды."),
    ("manager_a", "Клиент уже закреплён за этим менеджером."),
])  # fmt: skip
def test_reassign_refusals_change_nothing(request, senior_a, manager_a, target, message):
    client = ClientFactory(manager=manager_a)

    with pytest.raises(ValidationError) as raised:
        reassign_client_manager(client, actor=senior_a, manager=request.getfixturevalue(target))

    client.refresh_from_db()
    assert (raised.value.message_dict, client.manager, AuditEvent.objects.count()) == (
        {"manager": [message]},
        manager_a,
        0,
    )


def test_add_and_update_contact_are_audited_on_the_client(manager_a):
    client = ClientFactory(manager=manager_a)

    contact = add_contact(client, {"full_name": "Иванова Анна", "phone": "+7 495 123-45-67"}, actor=manager_a)
    update_contact(contact, {"full_name": "Иванова Анна", "email": "ivanova@example.ru"}, actor=manager_a)

    added, updated = AuditEvent.objects.order_by("id")
    assert (added.action, added.subject_id, added.changes) == (
        "client.contact_added", str(client.pk),
        {"contact_id": contact.pk, "full_name": [None, "Иванова Анна"], "phone": [None, "+7 495 123-45-67"],
         "is_decision_maker": [None, False]},
    )  # fmt: skip
    assert (updated.action, updated.changes) == (
        "client.contact_updated", {"contact_id": contact.pk, "email": ["", "ivanova@example.ru"]}
    )  # fmt: skip


def test_contact_with_a_bad_email_is_not_saved(manager_a):
    client = ClientFactory(manager=manager_a)

    with pytest.raises(ValidationError) as raised:
        add_contact(client, {"full_name": "Иванова Анна", "email": "ivanova@"}, actor=manager_a)

    assert raised.value.message_dict == {"email": ["Введите правильный адрес электронной почты."]}
    assert (Contact.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_record_and_withdraw_consent(manager_a):
    client = ClientFactory(manager=manager_a)
    contact = ContactFactory(client=client, full_name="Петров Пётр")
    given_on = today() - datetime.timedelta(days=30)

    consent = record_consent(
        client, {"contact": contact, "purpose": "Страхование", "given_on": given_on, "document": "Согласие № 1"},
        actor=manager_a,
    )  # fmt: skip
    withdraw_consent(consent, actor=manager_a, withdrawn_on=today())

    consent.refresh_from_db()
    recorded, withdrawn = AuditEvent.objects.order_by("id")
    assert (consent.withdrawn_on, consent.is_active) == (today(), False)
    assert recorded.changes == {
        "consent_id": consent.pk, "contact": [None, "Петров Пётр"], "purpose": [None, "Страхование"],
        "given_on": [None, given_on.isoformat()], "document": [None, "Согласие № 1"],
    }  # fmt: skip
    assert (withdrawn.action, withdrawn.changes) == (
        "client.consent_withdrawn", {"consent_id": consent.pk, "withdrawn_on": [None, today().isoformat()]}
    )  # fmt: skip


def test_consent_refusals(manager_a):
    client = ClientFactory(manager=manager_a)
    strangers_contact = ContactFactory()
    fields = {"purpose": "Страхование", "document": "Согласие № 1"}

    with pytest.raises(ValidationError) as raised:
        record_consent(
            client, {**fields, "contact": strangers_contact, "given_on": today() + datetime.timedelta(days=1)},
            actor=manager_a,
        )  # fmt: skip

    assert raised.value.message_dict == {
        "contact": ["Это контактное лицо другого клиента."],
        "given_on": ["Дата согласия не может быть позже сегодняшнего дня."],
    }
    assert (Consent.objects.count(), AuditEvent.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("withdrawn_before", "withdraw_on", "message"),
    [
        (None, datetime.date(2026, 1, 9), "Дата отзыва не может быть раньше даты согласия (10.01.2026)."),
        (datetime.date(2026, 2, 1), datetime.date(2026, 3, 1), "Согласие уже отозвано 01.02.2026."),
    ],
)
def test_withdrawal_refusals_change_nothing(manager_a, withdrawn_before, withdraw_on, message):
    client = ClientFactory(manager=manager_a)
    consent = Consent.objects.create(
        client=client, purpose="Страхование", given_on=datetime.date(2026, 1, 10), document="№ 1",
        withdrawn_on=withdrawn_before,
    )  # fmt: skip

    with pytest.raises(ValidationError) as raised:
        withdraw_consent(consent, actor=manager_a, withdrawn_on=withdraw_on)

    consent.refresh_from_db()
    assert (raised.value.message_dict, consent.withdrawn_on) == ({"withdrawn_on": [message]}, withdrawn_before)
    assert AuditEvent.objects.count() == 0


def test_withdrawal_in_the_future_is_refused(manager_a):
    consent = Consent.objects.create(
        client=ClientFactory(manager=manager_a), purpose="Страхование", given_on=today(), document="№ 1"
    )

    with pytest.raises(ValidationError) as raised:
        withdraw_consent(consent, actor=manager_a, withdrawn_on=today() + datetime.timedelta(days=1))

    assert raised.value.message_dict == {"withdrawn_on": ["Дата отзыва не может быть позже сегодняшнего дня."]}


def test_journal_chain_stays_intact_after_the_use_cases(senior_a, manager_a, manager_a2):
    client = create_client({**VALID, "manager": manager_a}, actor=senior_a)
    update_client(client, {"is_strategic": True}, actor=senior_a)
    reassign_client_manager(client, actor=senior_a, manager=manager_a2)
    add_contact(client, {"full_name": "Иванова Анна"}, actor=senior_a)

    assert verify_chain() == (4, [])
