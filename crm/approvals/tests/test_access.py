"""Who sees a request and who may decide it: every persona against one request of manager_a (team A)."""

import pytest

from crm.approvals.access import may_decide, may_withdraw_or_resubmit, requests_visible_to
from crm.approvals.tests.conftest import submit
from crm.discussions.access import get_discussion_for
from crm.discussions.services import post_message

# persona → (sees it, may decide it) for a request routed to the senior of team A
MATRIX = {
    "head": (True, True),
    "senior_a": (True, True),
    "manager_a": (True, False),  # the requester
    "manager_a2": (False, False),  # a teammate does not see another's deal
    "senior_b": (False, False),
    "manager_b": (False, False),
    "underwriter": (False, False),  # until mentioned
    "risk_manager": (False, False),
    "marketing": (False, False),
    "service_desk": (False, False),
    "administrator": (False, False),
}


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_visibility_and_decision_matrix(request, head, deal_a, manager_a, persona, expected):
    approval = submit(manager_a, deal_a, "0.08")
    user = request.getfixturevalue(persona)
    sees = requests_visible_to(user).filter(pk=approval.pk).exists()
    assert (sees, may_decide(user, approval)) == expected
    assert may_withdraw_or_resubmit(user, approval) is (persona == "manager_a")


def test_an_inactive_person_sees_nothing(head, deal_a, manager_a, senior_a):
    approval = submit(manager_a, deal_a, "0.08")
    senior_a.is_active = False
    senior_a.save()
    assert not requests_visible_to(senior_a).filter(pk=approval.pk).exists()
    assert not may_decide(senior_a, approval)


def test_a_mention_grants_one_request_to_a_risk_manager(head, deal_a, deal_b, manager_a, manager_b, risk_manager):
    mine, other = submit(manager_a, deal_a, "0.08"), submit(manager_b, deal_b, "0.08")
    post_message(actor=head, discussion=get_discussion_for(head, "approval", mine.pk), body="@risk посмотрите")
    assert list(requests_visible_to(risk_manager)) == [mine]
    assert not may_decide(risk_manager, mine)
    assert other not in requests_visible_to(risk_manager)
