"""Contract upserts from the finance system: create, merge, unchanged, terms changed after approval, errors."""

import datetime
from decimal import Decimal

import pytest

from crm.audit.models import AuditEvent
from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.policies.models import Contract
from crm.policies.services import upsert_contract, upsert_contracts
from crm.policies.tests.factories import ContractFactory

INN = "7707083893"


@pytest.fixture
def refs(manager_a):
    return {
        "client": ClientFactory(manager=manager_a, inn=INN, name="ООО «Альфа»"),
        "product": ProductFactory(name="Имущество предприятий — Базовый"),
    }


def contract_item(**overrides):
    item = {
        "external_id": "1C-K-1",
        "number": "ИМ-2025-0000001",
        "client_inn": INN,
        "product_name": "Имущество предприятий — Базовый",
        "manager_login": "manager_a",
        "concluded_on": datetime.date(2025, 1, 15),
        "starts_on": datetime.date(2025, 2, 1),
        "ends_on": datetime.date(2026, 1, 31),
        "written_premium_amount": Decimal("1200000"),
        "commission_amount": Decimal("144000.00"),
        "discount_rate": Decimal("0.05"),
    }
    return {**item, **overrides}


def snapshot():
    return list(Contract.objects.order_by("pk").values())


def test_a_new_contract_is_created_with_references_resolved_and_audited(refs, manager_a, administrator):
    result = upsert_contract(actor=administrator, source="finance", data=contract_item())

    contract = Contract.objects.get(external_id="1C-K-1")
    assert (result.status, result.pk, result.errors) == ("created", contract.pk, {})
    assert (contract.client, contract.product, contract.manager) == (refs["client"], refs["product"], manager_a)
    assert (contract.written_premium_amount, contract.discount_rate) == (Decimal("1200000.00"), Decimal("0.0500"))
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject_id) == ("contract.created", administrator, str(contract.pk))
    assert event.changes["written_premium_amount"] == [None, "1200000.00"]
    assert event.changes["client"] == [None, "ООО «Альфа»"]


def test_the_same_item_twice_is_unchanged_and_writes_no_audit(refs, administrator):
    upsert_contract(actor=administrator, source="finance", data=contract_item())
    rows, events = snapshot(), AuditEvent.objects.count()

    again = upsert_contract(actor=administrator, source="finance", data=contract_item())

    assert (again.status, snapshot(), AuditEvent.objects.count()) == ("unchanged", rows, events)


def test_a_partial_item_changes_only_what_it_names(refs, administrator):
    upsert_contract(actor=administrator, source="finance", data=contract_item())

    result = upsert_contract(
        actor=administrator, source="finance", data={"external_id": "1C-K-1", "commission_amount": Decimal("150000")}
    )

    contract = Contract.objects.get(external_id="1C-K-1")
    assert (result.status, contract.commission_amount, contract.number) == (
        "updated",
        Decimal("150000.00"),
        "ИМ-2025-0000001",
    )
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.changes) == ("contract.updated", {"commission_amount": ["144000.00", "150000.00"]})


def test_changing_approved_terms_is_audited_as_terms_changed(refs, administrator):
    contract = ContractFactory(client=refs["client"], external_id="1C-K-9", discount_rate=Decimal("0.10"))
    contract.approved_terms = contract.current_terms()
    contract.save()

    result = upsert_contract(
        actor=administrator, source="finance",
        data={"external_id": "1C-K-9", "discount_rate": Decimal("0.17"), "written_premium_amount": Decimal("1100000")},
    )  # fmt: skip

    contract.refresh_from_db()
    assert result.status == "updated"
    assert contract.terms_changed_after_approval is True
    event = AuditEvent.objects.get()
    assert event.action == "contract.terms_changed"
    assert event.changes == {
        "written_premium_amount": ["1200000.00", "1100000.00"],
        "discount_rate": ["0.1000", "0.1700"],
    }


def test_a_change_outside_the_terms_of_an_approved_contract_is_a_plain_update(refs, administrator):
    contract = ContractFactory(client=refs["client"], external_id="1C-K-9")
    contract.approved_terms = contract.current_terms()
    contract.save()

    upsert_contract(actor=administrator, source="finance", data={"external_id": "1C-K-9", "status": "expired"})

    assert AuditEvent.objects.get().action == "contract.updated"


def test_unknown_references_name_the_field_and_the_value(refs, administrator):
    item = contract_item(client_inn="7736050003", product_name="Нет такого", manager_login="nobody")

    result = upsert_contract(actor=administrator, source="finance", data=item)

    assert result.status == "error"
    assert result.errors == {
        "client_inn": ["Клиент с ИНН 7736050003 не найден."],
        "product_name": ["Продукт «Нет такого» не найден."],
        "manager_login": ["Пользователь с логином «nobody» не найден."],
    }
    assert (Contract.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_a_new_contract_needs_its_required_keys(refs, administrator):
    result = upsert_contract(actor=administrator, source="finance", data={"external_id": "1C-K-2", "number": "X-1"})

    assert result.errors == {
        key: ["Обязательное поле."]
        for key in ("client_inn", "product_name", "manager_login", "concluded_on", "starts_on", "ends_on",
                    "written_premium_amount")
    }  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"ends_on": datetime.date(2025, 1, 31)}, {"ends_on": ["Окончание действия раньше начала."]}),
        ({"commission_amount": Decimal("1300000")}, {"commission_amount": ["Комиссия больше премии договора."]}),
        ({"written_premium_amount": Decimal("200000000000")},
         {"written_premium_amount": [
             "Сумма неправдоподобно велика (больше 100 млрд ₽) — проверьте единицы и разделители."
         ]}),
        ({"concluded_on": datetime.date(2030, 1, 1), "ends_on": datetime.date(2031, 1, 1)},
         {"concluded_on": ["Дата заключения ещё не наступила."]}),
        ({"status": "terminated"}, {
            "terminated_on": ["Для расторгнутого договора укажите дату расторжения."],
            "termination_reason": ["Для расторгнутого договора укажите причину расторжения."],
        }),
        ({"terminated_on": datetime.date(2025, 6, 1)},
         {"terminated_on": ["Дата расторжения указывается только для расторгнутого договора."]}),
        ({"status": "terminated", "terminated_on": datetime.date(2026, 6, 1), "termination_reason": "asset_sold"},
         {"terminated_on": ["Дата расторжения вне срока действия договора."]}),
        ({"discount_rate": Decimal("1.5")}, {"discount_rate": ["Скидка — доля от 0 до 1 (0,15 = 15 %)."]}),
        ({"status": "paid"}, {"status": ["Значения 'paid' нет среди допустимых вариантов."]}),
    ],
)  # fmt: skip
def test_business_rules_refuse_inconsistent_contracts(refs, administrator, overrides, errors):
    result = upsert_contract(actor=administrator, source="finance", data=contract_item(**overrides))

    assert (result.status, result.errors) == ("error", errors)
    assert Contract.objects.count() == 0


def test_a_termination_is_recorded(refs, administrator):
    item = contract_item(status="terminated", terminated_on=datetime.date(2025, 9, 1), termination_reason="asset_sold")

    result = upsert_contract(actor=administrator, source="finance", data=item)

    contract = Contract.objects.get()
    assert (result.status, contract.status, contract.terminated_on) == (
        "created",
        "terminated",
        datetime.date(2025, 9, 1),
    )


def test_a_contract_number_held_by_another_record_is_refused(refs, administrator):
    ContractFactory(number="ИМ-2025-0000001", external_id=None)

    result = upsert_contract(actor=administrator, source="finance", data=contract_item())

    assert result.errors == {"number": ["Договор № ИМ-2025-0000001 уже есть в CRM с другим внешним ID."]}


def test_two_new_contracts_with_one_number_in_a_batch(refs, administrator):
    batch = upsert_contracts(
        actor=administrator, source="finance", items=[contract_item(), contract_item(external_id="1C-K-2")]
    )

    assert [r.status for r in batch.results] == ["created", "error"]
    assert batch.results[1].errors == {"number": ["Договор № ИМ-2025-0000001 уже есть в CRM с другим внешним ID."]}


def test_a_renewal_links_the_previous_contract_of_the_same_client(refs, administrator):
    previous = ContractFactory(client=refs["client"], external_id="1C-K-0")
    ContractFactory(external_id="1C-X-0")
    items = [
        contract_item(renewal_of_external_id="1C-K-0"),
        contract_item(external_id="1C-K-3", number="ИМ-3", renewal_of_external_id="1C-X-0"),
        contract_item(external_id="1C-K-4", number="ИМ-4", renewal_of_external_id="1C-K-0"),
    ]

    batch = upsert_contracts(actor=administrator, source="finance", items=items)

    assert [r.status for r in batch.results] == ["created", "error", "error"]
    assert Contract.objects.get(external_id="1C-K-1").renewal_of == previous
    assert batch.results[1].errors == {
        "renewal_of_external_id": ["Пролонгируемый договор принадлежит другому клиенту."]
    }
    assert batch.results[2].errors == {"renewal_of_external_id": ["Этот договор уже пролонгирован другим договором."]}


def test_atomic_batch_with_one_bad_item_writes_nothing(refs, administrator):
    items = [contract_item(), contract_item(external_id="1C-K-2", number="ИМ-2", client_inn="7736050003")]

    batch = upsert_contracts(actor=administrator, source="finance", items=items, atomic=True)

    assert ([r.status for r in batch.results], batch.committed) == (["skipped", "error"], False)
    assert (Contract.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_another_source_may_not_write_contracts(refs, administrator):
    with pytest.raises(ValueError, match="come from 'finance'"):
        upsert_contract(actor=administrator, source="service_desk", data=contract_item())
