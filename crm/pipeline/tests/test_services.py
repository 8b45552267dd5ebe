"""Rules of the funnel's use cases: one audit event per action, closed deals refuse change, nothing half-saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.audit.models import AuditEvent
from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.core.periods import today
from crm.pipeline import services
from crm.pipeline.models import Deal, DealKind, DealStatus, LostReason
from crm.pipeline.tests.conftest import deal_for


def _state(deal: Deal) -> tuple:
    deal.refresh_from_db()
    return (deal.stage_id, deal.status, deal.closed_on, deal.lost_reason, deal.amount, AuditEvent.objects.count())


def test_move_writes_one_event_with_old_and_new_stage(manager_a, stages):
    deal = deal_for(manager_a, stage=stages[0])
    events = AuditEvent.objects.count()
    moved = services.move_deal_to_stage(actor=manager_a, deal=deal, stage=stages[3])
    assert moved.stage == stages[3]
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.get(action="deal.moved")
    assert (event.actor, event.subject_id) == (manager_a, str(deal.pk))
    assert event.changes == {"stage": ["Квалификация", "Переговоры"]}


def test_move_to_the_current_stage_is_refused(manager_a, stages):
    deal = deal_for(manager_a, stage=stages[1])
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.move_deal_to_stage(actor=manager_a, deal=deal, stage=stages[1])
    assert error.value.message_dict == {"stage": ["Сделка уже на этапе «Сбор данных и андеррайтинг»."]}
    assert _state(deal) == before


def test_move_to_an_inactive_stage_is_refused(manager_a, stages):
    deal = deal_for(manager_a, stage=stages[0])
    stages[4].is_active = False
    stages[4].save()
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.move_deal_to_stage(actor=manager_a, deal=deal, stage=stages[4])
    assert error.value.message_dict == {"stage": ["Этап «Согласование договора» больше не используется."]}
    assert _state(deal) == before


def test_close_won_writes_one_event(manager_a):
    deal = deal_for(manager_a)
    events = AuditEvent.objects.count()
    services.close_deal_won(actor=manager_a, deal=deal, closed_on=datetime.date(2026, 3, 2))
    deal.refresh_from_db()
    assert (deal.status, deal.closed_on) == (DealStatus.WON, datetime.date(2026, 3, 2))
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.get(action="deal.won").changes == {
        "status": ["open", "won"],
        "closed_on": [None, "2026-03-02"],
    }


def test_close_won_defaults_to_today(manager_a):
    deal = services.close_deal_won(actor=manager_a, deal=deal_for(manager_a))
    assert deal.closed_on == today()


def test_close_lost_records_reason_and_text(manager_a):
    deal = deal_for(manager_a)
    services.close_deal_lost(
        actor=manager_a,
        deal=deal,
        lost_reason=LostReason.PRICE,
        lost_reason_text=" Дешевле у конкурента ",
        closed_on=datetime.date(2026, 3, 2),
    )
    deal.refresh_from_db()
    assert (deal.status, deal.lost_reason, deal.lost_reason_text) == ("lost", "price", "Дешевле у конкурента")
    assert AuditEvent.objects.get(action="deal.lost").changes == {
        "status": ["open", "lost"],
        "closed_on": [None, "2026-03-02"],
        "lost_reason": ["", "price"],
        "lost_reason_text": ["", "Дешевле у конкурента"],
    }


@pytest.mark.parametrize(
    ("reason", "text", "errors"),
    [
        ("", "", {"lost_reason": ["Укажите причину проигрыша."]}),
        ("weather", "", {"lost_reason": ["Неизвестная причина проигрыша."]}),
        ("other", "  ", {"lost_reason_text": ["Для причины «Другое» опишите, почему сделка проиграна."]}),
    ],
)
def test_close_lost_needs_a_reason_and_changes_nothing_without_one(manager_a, reason, text, errors):
    deal = deal_for(manager_a)
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.close_deal_lost(actor=manager_a, deal=deal, lost_reason=reason, lost_reason_text=text)
    assert error.value.message_dict == errors
    assert _state(deal) == before


def test_closing_a_closed_deal_fails_and_changes_nothing(manager_a):
    deal = services.close_deal_won(actor=manager_a, deal=deal_for(manager_a), closed_on=datetime.date(2026, 3, 2))
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.close_deal_lost(actor=manager_a, deal=deal, lost_reason=LostReason.PRICE)
    assert error.value.messages == ["Сделка уже закрыта (выиграна 02.03.2026) — повторно закрыть её нельзя."]
    with pytest.raises(ValidationError):
        services.close_deal_won(actor=manager_a, deal=deal)
    assert _state(deal) == before


def test_moving_a_closed_deal_fails_and_changes_nothing(manager_a, stages):
    deal = deal_for(manager_a, stage=stages[0])
    services.close_deal_lost(
        actor=manager_a, deal=deal, lost_reason=LostReason.POSTPONED, closed_on=datetime.date(2026, 4, 1)
    )
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.move_deal_to_stage(actor=manager_a, deal=deal, stage=stages[2])
    assert error.value.messages == [
        "Сделка уже закрыта (проиграна 01.04.2026) — перемещать по воронке можно только открытую сделку."
    ]
    assert _state(deal) == before


def test_closing_in_the_future_is_refused(manager_a):
    deal = deal_for(manager_a)
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.close_deal_won(actor=manager_a, deal=deal, closed_on=today() + datetime.timedelta(days=1))
    assert error.value.message_dict == {"closed_on": ["Дата закрытия не может быть в будущем."]}
    assert _state(deal) == before


def _new_deal_data(**overrides):
    data = {"product": ProductFactory(), "amount": Decimal("1200000.50"), "kind": DealKind.NEW, "title": "КАСКО"}
    return data | overrides


def test_create_deal_without_client_is_a_field_error_and_saves_nothing(manager_a):
    counts = (Deal.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        services.create_deal(actor=manager_a, data=_new_deal_data())
    assert error.value.message_dict == {"client": ["Выберите клиента."]}
    assert (Deal.objects.count(), AuditEvent.objects.count()) == counts


def test_create_deal_for_someone_elses_client_is_refused(manager_a, manager_b):
    counts = (Deal.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        services.create_deal(actor=manager_a, data=_new_deal_data(client=ClientFactory(manager=manager_b)))
    assert error.value.message_dict == {"client": ["Клиент не найден или недоступен вам."]}
    assert (Deal.objects.count(), AuditEvent.objects.count()) == counts


def test_create_deal_collects_every_problem_at_once(manager_a, manager_b):
    data = _new_deal_data(client=ClientFactory(manager=manager_a), manager=manager_b, amount=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        services.create_deal(actor=manager_a, data=data)
    assert set(error.value.message_dict) == {"manager", "amount"}
    assert error.value.message_dict["manager"] == ["Вы не можете назначить сделку этому менеджеру."]
    assert Deal.objects.count() == 0


def test_create_deal_defaults_and_audit(senior_a, manager_a, stages):
    client = ClientFactory(manager=manager_a)
    deal = services.create_deal(actor=senior_a, data=_new_deal_data(client=client))
    assert (deal.manager, deal.stage, deal.status, deal.probability) == (manager_a, stages[0], "open", None)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject_id) == ("deal.created", senior_a, str(deal.pk))
    assert set(event.changes) == {"client", "stage", "title", "product", "manager", "amount", "kind", "status"}
    assert event.changes["amount"] == [None, "1200000.50"]
    assert event.changes["manager"] == [None, str(manager_a)]
    assert event.changes["stage"] == [None, "Квалификация"]


def test_update_deal_audits_old_and_new_values(manager_a):
    deal = deal_for(manager_a, amount=Decimal("1000000.00"), title="Старое")
    services.update_deal(
        actor=manager_a,
        deal=deal,
        changes={"amount": Decimal("1500000"), "probability": Decimal("0.3"), "title": "Новое"},
    )
    event = AuditEvent.objects.get(action="deal.updated")
    assert event.changes == {
        "title": ["Старое", "Новое"],
        "amount": ["1000000.00", "1500000.00"],
        "probability": [None, "0.3000"],
    }
    deal.refresh_from_db()
    assert (deal.amount, deal.probability, deal.effective_probability) == (1_500_000, Decimal("0.3"), Decimal("0.3"))


def test_update_without_changes_writes_no_event(manager_a):
    deal = deal_for(manager_a, amount=Decimal("1000000.00"))
    services.update_deal(actor=manager_a, deal=deal, changes={"amount": Decimal("1000000")})
    assert AuditEvent.objects.count() == 0


def test_update_of_a_closed_deal_is_refused(manager_a):
    deal = services.close_deal_won(actor=manager_a, deal=deal_for(manager_a), closed_on=datetime.date(2026, 3, 2))
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.update_deal(actor=manager_a, deal=deal, changes={"amount": Decimal("1")})
    assert error.value.messages == ["Сделка уже закрыта (выиграна 02.03.2026) — изменять её нельзя."]
    assert _state(deal) == before


def test_update_with_invalid_probability_saves_nothing(manager_a):
    deal = deal_for(manager_a)
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.update_deal(actor=manager_a, deal=deal, changes={"probability": Decimal("1.5"), "amount": Decimal(5)})
    assert set(error.value.message_dict) == {"probability"}
    assert _state(deal) == before


def test_a_manager_cannot_hand_a_deal_to_another_team(senior_a, manager_a, manager_b):
    deal = deal_for(manager_a)
    before = _state(deal)
    with pytest.raises(ValidationError) as error:
        services.update_deal(actor=senior_a, deal=deal, changes={"manager": manager_b})
    assert error.value.message_dict == {"manager": ["Вы не можете назначить сделку этому менеджеру."]}
    assert _state(deal) == before
    services.update_deal(actor=senior_a, deal=deal, changes={"manager": senior_a})
    deal.refresh_from_db()
    assert deal.manager == senior_a


def test_services_refuse_a_deal_outside_the_actors_scope(manager_a, manager_b, stages):
    deal = deal_for(manager_b)
    before = _state(deal)
    with pytest.raises(Deal.DoesNotExist):
        services.move_deal_to_stage(actor=manager_a, deal=deal, stage=stages[2])
    assert _state(deal) == before
