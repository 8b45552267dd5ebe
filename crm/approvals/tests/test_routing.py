"""Routing matrix: amount asked × who asks × the discount rule — applied at once, to the senior, or to the head."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.approvals.models import ApprovalRequest
from crm.approvals.tests.conftest import submit
from crm.audit.models import AuditEvent
from crm.org.models import Team
from crm.pipeline.models import Deal

# (who asks, rate, special terms, with the 7 % rule) → (route, approver, breaks the rule)
MATRIX = [
    ("manager", "0.04", "", False, None),
    ("manager", "0.05", "", False, None),  # exactly the manager's limit: applied
    ("manager", "0.0501", "", False, ("senior", "senior_a", False)),
    ("manager", "0.10", "", False, ("senior", "senior_a", False)),  # exactly the senior's limit
    ("manager", "0.1001", "", False, ("head", "head", False)),
    ("manager", None, "Рассрочка на 4 платежа", False, ("senior", "senior_a", False)),
    ("manager", "0.03", "Рассрочка на 4 платежа", False, ("senior", "senior_a", False)),
    ("manager", "0.30", "", False, ("head", "head", False)),
    ("manager", "0.04", "", True, None),  # under the rule's 7 % and within the limit
    ("manager", "0.06", "", True, ("senior", "senior_a", False)),
    ("manager", "0.07", "", True, ("senior", "senior_a", False)),  # exactly the rule's maximum
    ("manager", "0.08", "", True, ("head", "head", True)),  # within the senior's limit, but breaks the rule
    ("senior", "0.08", "", False, None),  # within the senior's own 10 %
    ("senior", "0.12", "", False, ("head", "head", False)),  # a senior goes to the head, not to themselves
    ("senior", "0.08", "", True, ("head", "head", True)),
    ("senior", None, "Франшиза 50 000 ₽", False, ("head", "head", False)),
]


@pytest.mark.parametrize(("who", "rate", "terms", "with_rule", "expected"), MATRIX)
def test_routing_matrix(request, who, rate, terms, with_rule, expected, head, senior_a, manager_a):
    if with_rule:
        request.getfixturevalue("rule")
    deal = request.getfixturevalue("deal_a" if who == "manager" else "deal_senior_a")
    actor = manager_a if who == "manager" else senior_a

    created = submit(actor, deal, rate, special_terms=terms)

    deal.refresh_from_db()
    if expected is None:
        assert created is None and ApprovalRequest.objects.count() == 0
        assert (deal.requested_discount_rate, deal.granted_discount_rate) == (Decimal(rate), Decimal(rate))
        return
    route, approver, breaks = expected
    assert (created.route, created.approver.username, created.breaks_rule, created.state) == (
        route,
        approver,
        breaks,
        "submitted",
    )
    assert created.rule_version is not None if with_rule and rate else created.rule_version is None
    assert deal.granted_discount_rate is None  # nothing granted before the decision


def test_personal_limits_override_the_role(deal_a, manager_a, senior_a):
    manager_a.discount_limit_rate = Decimal("0.09")
    manager_a.save()
    senior_a.discount_limit_rate = Decimal("0.15")
    senior_a.save()

    assert submit(manager_a, deal_a, "0.09") is None  # applied: the manager's own 9 %
    deal_a.refresh_from_db()
    assert deal_a.granted_discount_rate == Decimal("0.09")
    second = submit(manager_a, deal_a, "0.14")
    assert (second.route, second.approver, second.requester_limit_rate) == ("senior", senior_a, Decimal("0.09"))


def test_a_team_without_a_lead_goes_to_the_head(head, deal_a, manager_a, team_a):
    Team.objects.filter(pk=team_a.pk).update(lead=None)
    manager_a.refresh_from_db()
    assert submit(manager_a, deal_a, "0.08").approver == head


def test_nobody_to_route_to_is_refused_and_nothing_is_saved(deal_a, manager_a):
    """No head of sales exists (the head fixture is not used): a request above the senior's limit has no approver."""
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Некому согласовать"):
        submit(manager_a, deal_a, "0.2")
    assert (ApprovalRequest.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_bad_input_is_refused_with_field_messages(head, deal_a, manager_a):
    with pytest.raises(ValidationError) as error:
        submit(manager_a, deal_a, None, special_terms="", justification=" ")
    assert error.value.message_dict == {
        "discount_rate": ["Укажите скидку или особые условия."],
        "justification": ["Обоснуйте запрос: что клиент даёт взамен, почему это выгодно."],
    }
    with pytest.raises(ValidationError) as error:
        submit(manager_a, deal_a, "1.5")
    assert error.value.message_dict == {"discount_rate": ["Скидка — больше 0 и меньше 100 %."]}
    assert ApprovalRequest.objects.count() == 0


def test_one_open_request_per_deal(head, deal_a, manager_a):
    first = submit(manager_a, deal_a, "0.08")
    with pytest.raises(ValidationError, match=f"уже есть открытый запрос №{first.pk}"):
        submit(manager_a, deal_a, "0.09")
    assert ApprovalRequest.objects.count() == 1


def test_someone_elses_deal_is_not_found(head, deal_b, manager_a):
    with pytest.raises(Deal.DoesNotExist):
        submit(manager_a, deal_b, "0.08")
