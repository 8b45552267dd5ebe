"""Underwriting decisions from the underwriting system: refusals need a reason, the deal and underwriter exist."""

import datetime

import pytest

from crm.audit.models import AuditEvent
from crm.clients.factories import ClientFactory
from crm.pipeline.factories import DealFactory
from crm.underwriting.models import UnderwritingDecision
from crm.underwriting.services import upsert_decision, upsert_decisions

MSK = datetime.timezone(datetime.timedelta(hours=3))
CREATED_AT = datetime.datetime(2025, 3, 3, 12, 0, tzinfo=MSK)


@pytest.fixture
def deal(manager_a):
    return DealFactory(client=ClientFactory(manager=manager_a), created_at=CREATED_AT, updated_at=CREATED_AT)


def decision_item(deal, **overrides):
    item = {
        "external_id": "UW-000000001",
        "deal_id": deal.pk,
        "underwriter_login": "underwriter",
        "outcome": "refused",
        "refusal_reason": "loss_history",
        "comment": "Убыточность 140 % за три года",
        "decided_at": datetime.datetime(2025, 3, 10, 15, 0, tzinfo=MSK),
    }
    return {**item, **overrides}


def test_a_refusal_is_recorded_and_a_resent_one_is_unchanged(deal, underwriter, administrator):
    first = upsert_decision(actor=administrator, source="underwriting", data=decision_item(deal))
    again = upsert_decision(actor=administrator, source="underwriting", data=decision_item(deal))

    decision = UnderwritingDecision.objects.get()
    assert (first.status, again.status) == ("created", "unchanged")
    assert (decision.deal, decision.underwriter, decision.refusal_reason) == (deal, underwriter, "loss_history")
    assert AuditEvent.objects.get().action == "underwriting_decision.created"


def test_the_same_moment_in_another_time_zone_is_unchanged(deal, underwriter, administrator):
    upsert_decision(actor=administrator, source="underwriting", data=decision_item(deal))

    utc = datetime.datetime(2025, 3, 10, 12, 0, tzinfo=datetime.UTC)
    result = upsert_decision(actor=administrator, source="underwriting", data=decision_item(deal, decided_at=utc))

    assert result.status == "unchanged"


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"refusal_reason": ""}, {"refusal_reason": ["Для отказа укажите причину."]}),
        ({"outcome": "accepted"}, {"refusal_reason": ["Причина отказа указывается только при отказе."]}),
        ({"underwriter_login": "manager_a"}, {"underwriter_login": ["Пользователь «manager_a» не андеррайтер."]}),
        ({"underwriter_login": "ghost"}, {"underwriter_login": ["Пользователь с логином «ghost» не найден."]}),
        ({"deal_id": 10**12}, {"deal_id": ["Сделка №1000000000000 не найдена."]}),
        ({"decided_at": datetime.datetime(2025, 3, 2, 10, 0, tzinfo=MSK)},
         {"decided_at": ["Решение раньше создания сделки (03.03.2025)."]}),
        ({"decided_at": datetime.datetime(2031, 1, 1, 10, 0, tzinfo=MSK)},
         {"decided_at": ["Дата решения ещё не наступила."]}),
    ],
)  # fmt: skip
def test_decision_rules(deal, underwriter, manager_a, administrator, overrides, errors):
    result = upsert_decision(actor=administrator, source="underwriting", data=decision_item(deal, **overrides))

    assert (result.status, result.errors) == ("error", errors)
    assert UnderwritingDecision.objects.count() == 0


def test_an_acceptance_without_underwriter(deal, administrator):
    item = decision_item(deal, outcome="conditions", refusal_reason="", underwriter_login=None)

    batch = upsert_decisions(actor=administrator, source="underwriting", items=[item])

    assert batch.results[0].status == "created"
    assert UnderwritingDecision.objects.get().underwriter is None
