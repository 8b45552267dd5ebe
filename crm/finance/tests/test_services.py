"""Instalment and claim upserts from the finance system: references, business rules, idempotency, conflicts."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from crm.audit.models import AuditEvent
from crm.core.upserts import InvalidItem
from crm.finance.models import Claim, Instalment
from crm.finance.services import upsert_claim, upsert_claims, upsert_instalment, upsert_instalments
from crm.policies.tests.factories import ClaimFactory, ContractFactory, InstalmentFactory


@pytest.fixture
def contract(manager_a):
    return ContractFactory(client__manager=manager_a, number="ИМ-2025-0000007", external_id="1C-00000007")


def instalment_item(**overrides):
    item = {
        "external_id": "1C-00000007-1",
        "contract_external_id": "1C-00000007",
        "due_on": datetime.date(2025, 2, 1),
        "amount": Decimal("600000"),
        "paid_on": datetime.date(2025, 2, 3),
        "paid_amount": Decimal("600000"),
    }
    return {**item, **overrides}


def rows():
    return list(Instalment.objects.order_by("pk").values())


def test_schedule_and_payment_created_then_unchanged(contract, administrator):
    first = upsert_instalments(actor=administrator, source="finance", items=[instalment_item()])
    state, events = rows(), AuditEvent.objects.count()

    second = upsert_instalments(actor=administrator, source="finance", items=[instalment_item()])

    instalment = Instalment.objects.get()
    assert (first.results[0].status, second.results[0].status) == ("created", "unchanged")
    assert (instalment.contract, instalment.paid_amount, instalment.paid_on) == (
        contract, Decimal("600000.00"), datetime.date(2025, 2, 3)
    )  # fmt: skip
    assert (rows(), AuditEvent.objects.count(), events) == (state, 1, 1)
    assert second.counts == {"created": 0, "updated": 0, "unchanged": 1, "error": 0, "skipped": 0}


def test_a_payment_arrives_later_for_a_scheduled_instalment(contract, administrator):
    upsert_instalment(actor=administrator, source="finance", data=instalment_item(paid_on=None, paid_amount=Decimal(0)))

    result = upsert_instalment(
        actor=administrator, source="finance",
        data={"external_id": "1C-00000007-1", "paid_on": datetime.date(2025, 2, 20), "paid_amount": Decimal("600000")},
    )  # fmt: skip

    assert result.status == "updated"
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.changes) == (
        "instalment.updated", {"paid_on": [None, "2025-02-20"], "paid_amount": ["0.00", "600000.00"]}
    )  # fmt: skip


def test_the_contract_may_be_named_by_its_number(contract, administrator):
    item = instalment_item(contract_number="ИМ-2025-0000007")
    del item["contract_external_id"]

    assert upsert_instalment(actor=administrator, source="finance", data=item).status == "created"
    assert Instalment.objects.get().contract == contract


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"contract_external_id": "1C-404"}, {"contract_external_id": ["Договор с внешним ID «1C-404» не найден."]}),
        ({"contract_number": "ИМ-2025-0000001"}, {"contract_number": ["Договор № ИМ-2025-0000001 не найден."]}),
        ({"contract_external_id": None},
         {"contract_external_id": ["Укажите договор: contract_external_id или contract_number."]}),
        ({"paid_on": datetime.date(2030, 1, 1)}, {"paid_on": ["Дата 01.01.2030 ещё не наступила."]}),
        ({"paid_on": None}, {"paid_on": ["Для оплаченной суммы укажите дату оплаты."]}),
        ({"paid_amount": Decimal(0)}, {"paid_amount": ["Указана дата оплаты, но не сумма."]}),
        ({"due_on": datetime.date(2026, 3, 1)}, {"due_on": ["Срок оплаты позже окончания договора (31.01.2026)."]}),
        ({"amount": Decimal("-1")}, {"amount": ["Сумма не может быть отрицательной."]}),
    ],
)  # fmt: skip
def test_instalment_rules(contract, administrator, overrides, errors):
    result = upsert_instalment(actor=administrator, source="finance", data=instalment_item(**overrides))

    assert (result.status, result.errors) == ("error", errors)
    assert (Instalment.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_per_item_mode_saves_the_valid_items_and_reports_the_others(contract, administrator):
    items = [
        instalment_item(),
        instalment_item(external_id="1C-00000007-2", contract_external_id="1C-404"),
        InvalidItem("1C-00000007-3", {"due_on": ["Неверная дата."]}),
        instalment_item(external_id="1C-00000007-4", due_on=datetime.date(2025, 8, 1)),
    ]

    batch = upsert_instalments(actor=administrator, source="finance", items=items)

    assert [(r.index, r.external_id, r.status) for r in batch.results] == [
        (0, "1C-00000007-1", "created"), (1, "1C-00000007-2", "error"),
        (2, "1C-00000007-3", "error"), (3, "1C-00000007-4", "created"),
    ]  # fmt: skip
    assert batch.results[2].errors == {"due_on": ["Неверная дата."]}
    assert sorted(Instalment.objects.values_list("external_id", flat=True)) == ["1C-00000007-1", "1C-00000007-4"]
    assert AuditEvent.objects.count() == 2


def test_a_conflict_the_checks_could_not_see_is_reported_for_that_item_only(contract, administrator, monkeypatch):
    """The bulk insert fails (as when another request inserted the same key meanwhile): each item is retried
    in its own savepoint, and only the conflicting one is an error."""
    InstalmentFactory(contract=contract, external_id="1C-TAKEN")
    real_bulk_create = Instalment.objects.bulk_create

    def failing_bulk_create(objs, **kwargs):
        real_bulk_create(objs, **kwargs)
        raise IntegrityError("simulated")

    monkeypatch.setattr(Instalment.objects, "bulk_create", failing_bulk_create)
    monkeypatch.setattr(
        "crm.finance.services.InstalmentUpserter._existing", lambda self, ids: {}
    )  # the batch does not see the stored 1C-TAKEN, as if it appeared meanwhile
    items = [instalment_item(), instalment_item(external_id="1C-TAKEN"), instalment_item(external_id="1C-00000007-2")]

    batch = upsert_instalments(actor=administrator, source="finance", items=items)

    assert [r.status for r in batch.results] == ["created", "error", "created"]
    assert list(batch.results[1].errors) == ["non_field_errors"]
    assert Instalment.objects.count() == 3
    assert AuditEvent.objects.count() == 2


def test_atomic_conflict_rolls_everything_back(contract, administrator, monkeypatch):
    InstalmentFactory(contract=contract, external_id="1C-TAKEN")
    monkeypatch.setattr("crm.finance.services.InstalmentUpserter._existing", lambda self, ids: {})
    items = [instalment_item(), instalment_item(external_id="1C-TAKEN")]

    batch = upsert_instalments(actor=administrator, source="finance", items=items, atomic=True)

    assert ([r.status for r in batch.results], batch.committed) == (["skipped", "error"], False)
    assert (Instalment.objects.count(), AuditEvent.objects.count()) == (1, 0)


def claim_item(**overrides):
    item = {
        "external_id": "1C-00000007-CL00001",
        "contract_external_id": "1C-00000007",
        "loss_on": datetime.date(2025, 5, 10),
        "reported_on": datetime.date(2025, 5, 12),
        "incurred_amount": Decimal("250000"),
        "paid_amount": Decimal("250000"),
        "paid_on": datetime.date(2025, 6, 1),
        "status": "paid",
    }
    return {**item, **overrides}


def test_a_claim_takes_its_client_from_the_contract(contract, administrator):
    result = upsert_claim(actor=administrator, source="finance", data=claim_item())

    claim = Claim.objects.get()
    assert (result.status, claim.client, claim.incurred_amount) == ("created", contract.client, Decimal("250000.00"))


def test_claims_twice_are_unchanged(contract, administrator):
    ClaimFactory(contract=contract, external_id="1C-STORED")
    items = [claim_item(), claim_item(external_id="1C-00000007-CL00002", status="in_settlement", paid_on=None,
                                      paid_amount=Decimal(0))]  # fmt: skip
    upsert_claims(actor=administrator, source="finance", items=items)
    events = AuditEvent.objects.count()

    again = upsert_claims(actor=administrator, source="finance", items=items)

    assert [r.status for r in again.results] == ["unchanged", "unchanged"]
    assert (AuditEvent.objects.count(), Claim.objects.count()) == (events, 3)


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"loss_on": datetime.date(2024, 12, 31)},
         {"loss_on": ["Дата убытка вне периода страхования (01.02.2025 – 31.01.2026)."]}),
        ({"reported_on": datetime.date(2025, 5, 1)}, {"reported_on": ["Убыток заявлен раньше, чем произошёл."]}),
        ({"paid_on": datetime.date(2025, 5, 11)}, {"paid_on": ["Выплата раньше заявления об убытке."]}),
        ({"paid_amount": Decimal("300000")}, {"paid_amount": ["Выплачено больше произошедшего убытка."]}),
        ({"paid_on": None}, {"paid_on": ["Для выплаченного убытка укажите дату выплаты."]}),
        ({"status": "refused"}, {"paid_amount": ["По убытку с отказом в выплате выплаченная сумма должна быть 0."]}),
        ({"status": "reported"}, {"status": ["По убытку есть выплата — статус «Заявлен» не подходит."]}),
    ],
)  # fmt: skip
def test_claim_rules(contract, administrator, overrides, errors):
    result = upsert_claim(actor=administrator, source="finance", data=claim_item(**overrides))

    assert (result.status, result.errors) == ("error", errors)
    assert Claim.objects.count() == 0


def test_a_claim_on_a_terminated_contract_ends_its_cover_at_termination(manager_a, administrator):
    ContractFactory(
        external_id="1C-T",
        status="terminated",
        terminated_on=datetime.date(2025, 4, 30),
        termination_reason="asset_sold",
    )

    result = upsert_claim(actor=administrator, source="finance", data=claim_item(contract_external_id="1C-T"))

    assert result.errors == {"loss_on": ["Дата убытка вне периода страхования (01.02.2025 – 30.04.2025)."]}


def test_a_batch_costs_the_same_queries_whatever_its_size(contract, administrator, django_assert_max_num_queries):
    """Unchanged items: one query for the stored rows, one per reference kind; no per-item query."""
    items = [instalment_item(external_id=f"1C-00000007-{n}") for n in range(200)]
    upsert_instalments(actor=administrator, source="finance", items=items)

    with django_assert_max_num_queries(6):
        batch = upsert_instalments(actor=administrator, source="finance", items=items)

    assert batch.counts["unchanged"] == 200


def test_new_claims_cost_no_query_per_claim(contract, administrator):
    """The audit diff reads each claim's client: it comes with the contract, not one query per claim."""

    def queries_for(count: int, offset: int) -> int:
        items = [claim_item(external_id=f"1C-CLM-{offset + n}") for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            batch = upsert_claims(actor=administrator, source="finance", items=items)
        assert batch.counts["created"] == count
        return len(queries.captured_queries)

    assert queries_for(2, 0) == queries_for(40, 100)
