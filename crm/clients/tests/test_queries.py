"""Reads for the list and the card: exact counts and sums over a small hand-built dataset."""

import datetime
from decimal import Decimal

import pytest

from crm.catalog.factories import ProductFactory
from crm.clients import queries
from crm.clients.factories import ClientFactory
from crm.clients.models import Client, Consent, Industry
from crm.clients.queries import ClientFilters, NpsSummary, client_card, client_history, client_rows, display_value
from crm.clients.services import add_contact, reassign_client_manager, update_client
from crm.clients.tests.conftest import make_contract
from crm.finance.models import Claim
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import DealStatus, LostReason
from crm.policies.models import ContractStatus
from crm.service.models import Complaint, ComplaintCategory, ComplaintStatus, NpsResponse

CLOSED_ON = datetime.date(2026, 3, 1)
NBSP = "\u00a0"


@pytest.fixture
def card_client(manager_a):
    client = ClientFactory(manager=manager_a)
    product = ProductFactory()
    DealFactory(client=client, product=product, amount=Decimal("100000.00"))
    DealFactory(client=client, product=product, amount=Decimal("250000.50"))
    DealFactory(client=client, product=product, amount=Decimal("700000"), status=DealStatus.WON, closed_on=CLOSED_ON)
    DealFactory(
        client=client, product=product, amount=Decimal("90000"), status=DealStatus.LOST, closed_on=CLOSED_ON,
        lost_reason=LostReason.PRICE,
    )  # fmt: skip
    in_force = make_contract(client, "Д-1", "1000000.00")
    make_contract(client, "Д-2", "500000.25", status=ContractStatus.TERMINATED)
    make_contract(client, "Д-3", "300000.00", status=ContractStatus.CANCELLED)
    Claim.objects.create(
        contract=in_force, client=client, loss_on=CLOSED_ON, reported_on=CLOSED_ON, incurred_amount=Decimal("50000")
    )
    for status in [ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED]:
        Complaint.objects.create(
            client=client, category=ComplaintCategory.BILLING, status=status, received_on=CLOSED_ON
        )
    for score in [10, 9, 10, 8, 7, 6, 0]:
        NpsResponse.objects.create(client=client, score=score, responded_on=CLOSED_ON)
    return client


def test_card_counts_and_sums(card_client, senior_a):
    card = client_card(card_client, viewer=senior_a)

    assert card.deal_summary.__dict__ == {
        "open_count": 2, "open_amount": Decimal("350000.50"), "won_count": 1, "won_amount": Decimal("700000.00"),
        "lost_count": 1,
    }  # fmt: skip
    # Sold = in force + terminated (1 000 000 + 500 000,25); the contract cancelled from inception is not a sale.
    assert card.contract_summary.__dict__ == {
        "sold_count": 2, "in_force_count": 1, "written_premium_amount": Decimal("1500000.25")
    }  # fmt: skip
    assert (card.claims_count, card.complaints_count, card.open_complaints_count) == (1, 3, 2)
    # 3 promoters (10, 9, 10), 2 detractors (6, 0) of 7: (3 − 2) ÷ 7.
    assert (card.nps.responses, card.nps.promoters, card.nps.detractors) == (7, 3, 2)
    assert card.nps.nps_rate == Decimal(1) / Decimal(7)
    assert [deal.amount for deal in card.deals] == [Decimal("90000.00"), Decimal("700000.00"), Decimal("250000.50"),
                                                    Decimal("100000.00")]  # fmt: skip


def test_card_of_a_client_without_records(manager_a):
    card = client_card(ClientFactory(manager=manager_a), viewer=manager_a)

    assert (card.deal_summary.open_amount, card.contract_summary.written_premium_amount) == (Decimal(0), Decimal(0))
    assert (card.nps.responses, card.nps.nps_rate) == (0, None)


def test_service_desk_card_has_no_pipeline(card_client, service_desk):
    card = client_card(card_client, viewer=service_desk)

    assert (card.deals, card.deal_summary, card.contract_summary.sold_count) == ([], None, 2)


def test_nps_rate_of_all_promoters_and_all_detractors():
    assert (NpsSummary(4, 4, 0).nps_rate, NpsSummary(2, 0, 2).nps_rate) == (Decimal(1), Decimal(-1))


def test_industry_filter_includes_finer_industries_and_ordering_puts_unknown_turnover_last(head, manager_a):
    transport, taxi, it = (Industry.objects.get(code=code) for code in ("transport", "taxi", "it"))
    fleet = ClientFactory(manager=manager_a, industry=taxi, turnover_amount=Decimal("10"))
    carrier = ClientFactory(manager=manager_a, industry=transport)
    ClientFactory(manager=manager_a, industry=it, turnover_amount=Decimal("99"))

    rows = client_rows(head, ClientFilters(industry_id=transport.pk, ordering="-turnover"))

    assert list(rows) == [fleet, carrier]


@pytest.mark.parametrize("text", ["(Москва", "ка» (Мо", "ромашка» (МОСКВА)", ".*", "a|b"])
def test_search_text_is_literal_not_a_pattern(head, manager_a, text):
    romashka = ClientFactory(manager=manager_a, name="ООО «Ромашка» (Москва)")
    ClientFactory(manager=manager_a, name="ООО «Прочие»")

    found = list(client_rows(head, ClientFilters(search=text)))

    assert found == ([romashka] if text not in (".*", "a|b") else [])


def test_unknown_ordering_falls_back_to_name(head, manager_a):
    ClientFactory(manager=manager_a, name="Б")
    ClientFactory(manager=manager_a, name="А")

    assert [c.name for c in client_rows(head, ClientFilters(ordering="password"))] == ["А", "Б"]


def test_history_in_words(senior_a, manager_a, manager_a2):
    client = ClientFactory(manager=manager_a, significance="low", turnover_amount=None)
    update_client(client, {"significance": "high", "turnover_amount": Decimal("1500000.5")}, actor=senior_a)
    reassign_client_manager(client, actor=senior_a, manager=manager_a2)
    add_contact(client, {"full_name": "Иванова Анна"}, actor=senior_a)

    history = client_history(Client.objects.get(pk=client.pk))

    assert [(row.actor_label, row.action_label) for row in history] == [
        ("senior_a", "Добавлено контактное лицо"),
        ("senior_a", "Клиент передан другому менеджеру"),
        ("senior_a", "Реквизиты изменены"),
    ]
    assert [(c.label, c.old, c.new) for c in history[2].changes] == [
        ("годовой оборот, ₽", "—", f"1{NBSP}500{NBSP}001{NBSP}₽"),  # 1 500 000,50 rounded half up
        ("репутационная значимость", "Обычная", "Высокая"),
    ]
    assert [(c.label, c.old, c.new) for c in history[1].changes] == [("менеджер", "Алексеев И.", "Андреев И.")]
    assert [(c.label, c.new) for c in history[0].changes] == [("ФИО", "Иванова Анна"), ("ЛПР", "нет")]


def test_display_of_dates_and_booleans():
    assert display_value(Consent._meta.get_field("given_on"), "2026-01-10") == "10.01.2026"
    assert (display_value(None, True), display_value(None, None), display_value(None, "")) == ("да", "—", "—")


def test_state_values_named_by_the_card_match_the_owning_apps():
    assert (
        DealStatus.OPEN.value,
        DealStatus.WON.value,
        DealStatus.LOST.value,
    ) == (queries.DEAL_OPEN, queries.DEAL_WON, queries.DEAL_LOST)
    assert ContractStatus.IN_FORCE.value == queries.CONTRACT_IN_FORCE
    assert (ComplaintStatus.OPEN.value, ComplaintStatus.IN_PROGRESS.value) == queries.COMPLAINT_UNRESOLVED
