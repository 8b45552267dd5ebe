"""Each transition through its service: what it changes, its audit event, and the refusals that change nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.approvals import services
from crm.approvals.models import ApprovalRequest
from crm.approvals.tests.conftest import submit
from crm.audit.models import AuditEvent
from crm.core.roles import Role
from crm.notifications.models import Notification
from crm.org.factories import UserFactory
from crm.pipeline.models import Deal
from crm.pipeline.services import close_deal_lost

COMMENT = "Согласовать в обмен на страхование 10 филиалов"


def state_of(request: ApprovalRequest) -> tuple:
    """Everything a refused transition must leave as it was."""
    request.refresh_from_db()
    deal = Deal.objects.get(pk=request.deal_id)
    return (
        request.state,
        request.decided_by_id,
        request.decision_comment,
        request.frozen_terms,
        request.round,
        deal.granted_discount_rate,
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def to_senior(head, deal_a, manager_a):
    return submit(manager_a, deal_a, "0.08")


@pytest.fixture
def to_head(head, deal_a, manager_a):
    return submit(manager_a, deal_a, "0.12", special_terms="Рассрочка на 4 платежа")


def test_the_senior_approves_the_discount_goes_to_the_deal_and_the_terms_are_frozen(to_senior, senior_a, manager_a):
    approved = services.approve_request(actor=senior_a, request=to_senior, comment=COMMENT)

    deal = Deal.objects.get(pk=to_senior.deal_id)
    assert (approved.state, approved.decided_by, approved.decision_comment) == ("approved", senior_a, COMMENT)
    assert (deal.requested_discount_rate, deal.granted_discount_rate) == (Decimal("0.0800"), Decimal("0.0800"))
    assert approved.frozen_terms == {
        "written_premium_amount": "1000000.00",
        "discount_rate": "0.0800",
        "special_terms": "",
    }
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor__username"))
    assert actions[-3:] == [
        ("approval.submitted", "manager_a"),
        ("deal.updated", "senior_a"),
        ("approval.approved", "senior_a"),
    ]
    assert AuditEvent.objects.get(action="approval.approved").changes["state"] == ["submitted", "approved"]
    assert list(Notification.objects.filter(recipient=manager_a).values_list("title", flat=True)) == [
        f"Согласовано: запрос №{approved.pk}, 8,0\xa0% — ООО «Альфа»"
    ]


def test_the_head_approves_special_terms_and_a_discount_above_the_senior_limit(to_head, head):
    approved = services.approve_request(actor=head, request=to_head, comment=COMMENT)
    assert approved.frozen_terms == {
        "written_premium_amount": "1000000.00",
        "discount_rate": "0.1200",
        "special_terms": "Рассрочка на 4 платежа",
    }


def test_the_head_may_decide_in_place_of_the_senior(to_senior, head):
    assert services.reject_request(actor=head, request=to_senior, comment="Нет").decided_by == head


@pytest.mark.parametrize(
    ("transition", "state"),
    [("reject_request", "rejected"), ("return_request", "returned")],
)
def test_reject_and_return_need_a_comment_and_tell_the_requester(to_senior, senior_a, manager_a, transition, state):
    before = state_of(to_senior)
    with pytest.raises(ValidationError) as error:
        getattr(services, transition)(actor=senior_a, request=to_senior, comment="  ")
    assert error.value.message_dict == {
        "comment": ["Решение принимается с комментарием: напишите, почему и на каких условиях."]
    }
    assert state_of(to_senior) == before

    done = getattr(services, transition)(actor=senior_a, request=to_senior, comment="Дорого")
    assert (done.state, done.decision_comment, Deal.objects.get(pk=done.deal_id).granted_discount_rate) == (
        state,
        "Дорого",
        None,
    )
    assert AuditEvent.objects.filter(action=f"approval.{state}").count() == 1
    assert Notification.objects.filter(recipient=manager_a, key=f"approval:{done.pk}:{state}:1").exists()


def test_approval_without_a_comment_is_refused_and_changes_nothing(to_senior, senior_a):
    before = state_of(to_senior)
    with pytest.raises(ValidationError):
        services.approve_request(actor=senior_a, request=to_senior, comment="")
    assert state_of(to_senior) == before


def test_nobody_approves_their_own_request(deal_senior_a, senior_a, head):
    second_head = UserFactory(username="head2", role=Role.HEAD_OF_SALES)
    own = submit(head, deal_senior_a, "0.30")  # above the head's own 25 %: to the other head
    assert own.approver == second_head
    before = state_of(own)
    with pytest.raises(ValidationError, match="Нельзя согласовать собственный запрос"):
        services.approve_request(actor=head, request=own, comment=COMMENT)
    assert state_of(own) == before
    assert services.approve_request(actor=second_head, request=own, comment=COMMENT).state == "approved"


def test_a_senior_of_another_team_does_not_see_the_request(to_senior, senior_b):
    before = state_of(to_senior)
    with pytest.raises(ApprovalRequest.DoesNotExist):
        services.approve_request(actor=senior_b, request=to_senior, comment=COMMENT)
    assert state_of(to_senior) == before


def test_a_request_routed_to_the_head_is_not_the_seniors_to_decide(to_head, senior_a):
    before = state_of(to_head)
    with pytest.raises(ValidationError, match="Решение по этому запросу принимает Начальников"):
        services.approve_request(actor=senior_a, request=to_head, comment=COMMENT)
    assert state_of(to_head) == before


def test_a_broken_rule_needs_the_head_and_an_override_reason(rule, head, deal_a, manager_a):
    request = submit(manager_a, deal_a, "0.08")
    before = state_of(request)
    with pytest.raises(ValidationError) as error:
        services.approve_request(actor=head, request=request, comment=COMMENT)
    assert error.value.message_dict == {
        "override_reason": [
            "Скидка нарушает правило «Имущество: не более 7 %» (максимум 7,0\xa0%): укажите основание для "
            "отступления от правила."
        ]
    }
    assert state_of(request) == before

    approved = services.approve_request(
        actor=head, request=request, comment=COMMENT, override_reason="Ключевой клиент, 10 филиалов"
    )
    deal = Deal.objects.get(pk=request.deal_id)
    assert (approved.override_reason, approved.rule_version, approved.breaks_rule) == (
        "Ключевой клиент, 10 филиалов",
        rule,
        True,
    )
    assert (deal.granted_discount_rate, deal.discount_rule_version) == (Decimal("0.0800"), rule)
    assert AuditEvent.objects.filter(action="deal.updated", subject_id=str(deal.pk)).latest("id").changes == {
        "requested_discount_rate": [None, "0.0800"],
        "granted_discount_rate": [None, "0.0800"],
        "discount_rule_version": [None, rule.pk],
    }


def test_a_rule_introduced_after_submission_is_checked_at_the_decision(to_senior, senior_a, request):
    request.getfixturevalue("rule")
    before = state_of(to_senior)
    with pytest.raises(ValidationError, match="согласовать её может только начальник отдела"):
        services.approve_request(actor=senior_a, request=to_senior, comment=COMMENT)
    assert state_of(to_senior) == before


def test_a_closed_deal_cannot_be_approved(to_senior, senior_a, manager_a):
    close_deal_lost(actor=manager_a, deal=to_senior.deal, lost_reason="price")
    before = state_of(to_senior)
    with pytest.raises(ValidationError, match="Сделка уже закрыта"):
        services.approve_request(actor=senior_a, request=to_senior, comment=COMMENT)
    assert state_of(to_senior) == before


def test_returned_request_is_reworked_and_routed_again(to_senior, senior_a, head, manager_a):
    services.return_request(actor=senior_a, request=to_senior, comment="Укажите, сколько филиалов")
    again = services.resubmit_request(
        actor=manager_a, request=to_senior, discount_rate=Decimal("0.15"), justification="12 филиалов"
    )
    assert (again.state, again.round, again.approver, again.route, again.decided_by, again.decision_comment) == (
        "submitted",
        2,
        head,
        "head",
        None,
        "",
    )
    assert AuditEvent.objects.get(action="approval.resubmitted").changes["approver"] == [
        "Старшова И.",
        "Начальников И.",
    ]
    assert Notification.objects.filter(recipient=head, key=f"approval:{again.pk}:submitted:2").exists()


def test_only_the_requester_withdraws_or_resubmits(to_senior, senior_a, manager_a, manager_a2):
    before = state_of(to_senior)
    with pytest.raises(ValidationError, match="Отозвать запрос может только его инициатор"):
        services.withdraw_request(actor=senior_a, request=to_senior)
    assert state_of(to_senior) == before
    withdrawn = services.withdraw_request(actor=manager_a, request=to_senior, comment="Клиент передумал")
    assert (withdrawn.state, withdrawn.decision_comment) == ("withdrawn", "Клиент передумал")
    assert Notification.objects.filter(recipient=senior_a, key=f"approval:{withdrawn.pk}:withdrawn:1").exists()


FORBIDDEN = [
    ("approved", "approve_request"),
    ("approved", "reject_request"),
    ("approved", "withdraw_request"),
    ("rejected", "return_request"),
    ("rejected", "resubmit_request"),
    ("withdrawn", "approve_request"),
    ("withdrawn", "withdraw_request"),
    ("returned", "approve_request"),
    ("returned", "reject_request"),
    ("submitted", "resubmit_request"),
]


def _bring_to(state: str, request: ApprovalRequest, senior, manager) -> None:
    if state == "approved":
        services.approve_request(actor=senior, request=request, comment=COMMENT)
    elif state == "rejected":
        services.reject_request(actor=senior, request=request, comment="Нет")
    elif state == "returned":
        services.return_request(actor=senior, request=request, comment="Доработать")
    elif state == "withdrawn":
        services.withdraw_request(actor=manager, request=request)


@pytest.mark.parametrize(("state", "transition"), FORBIDDEN)
def test_forbidden_transitions_change_nothing(to_senior, senior_a, manager_a, state, transition):
    _bring_to(state, to_senior, senior_a, manager_a)
    actor = manager_a if transition in ("withdraw_request", "resubmit_request") else senior_a
    extra = (
        {"comment": "Ещё раз"}
        if transition != "resubmit_request"
        else {"discount_rate": Decimal("0.07"), "justification": "Иначе"}
    )
    before = state_of(to_senior)
    with pytest.raises(ValidationError, match=f"Запрос №{to_senior.pk} уже в статусе"):
        getattr(services, transition)(actor=actor, request=to_senior, **extra)
    assert state_of(to_senior) == before
