"""Pages through the Django test client: inbox per role, the decision card, the actions, the deal card panel."""

import pytest
from django.urls import reverse

from crm.approvals import services
from crm.approvals.models import ApprovalRequest
from crm.approvals.tests.conftest import JUSTIFICATION, deal_for, submit
from crm.audit.models import AuditEvent
from crm.discussions.access import get_discussion_for
from crm.discussions.services import post_message
from crm.pipeline.models import Deal
from crm.pipeline.services import update_deal

NB = "\xa0"


@pytest.fixture
def waiting(head, senior_a, deal_a, manager_a):
    return submit(manager_a, deal_a, "0.12")  # above the senior's 10 %: to the head


def test_the_inbox_per_role(client, waiting, head, senior_a, manager_a, manager_b, underwriter, marketing):
    client.force_login(head)
    page = client.get(reverse("approvals:inbox")).content.decode()
    assert f'data-request="{waiting.pk}"' in page and "ООО «Альфа»" in page and f"12,0{NB}%" in page
    assert 'data-box="waiting"' in page and 'data-box="all"' in page

    client.force_login(senior_a)  # routed to the head, but the senior sees the team's requests
    assert f'data-request="{waiting.pk}"' not in client.get(reverse("approvals:inbox")).content.decode()
    assert f'data-request="{waiting.pk}"' in client.get(reverse("approvals:inbox") + "?box=all").content.decode()

    client.force_login(manager_a)
    assert f'data-request="{waiting.pk}"' in client.get(reverse("approvals:inbox")).content.decode()

    client.force_login(manager_b)
    assert f'data-request="{waiting.pk}"' not in client.get(reverse("approvals:inbox") + "?box=all").content.decode()
    client.force_login(underwriter)
    assert client.get(reverse("approvals:inbox")).status_code == 200
    client.force_login(marketing)
    assert client.get(reverse("approvals:inbox")).status_code == 403


def test_the_card_is_not_found_for_outsiders(client, waiting, manager_b, senior_b, underwriter):
    for outsider in (manager_b, senior_b, underwriter):
        client.force_login(outsider)
        assert client.get(reverse("approvals:detail", args=[waiting.pk])).status_code == 404


def test_the_head_decides_on_the_card(client, waiting, head, manager_a):
    client.force_login(head)
    page = client.get(reverse("approvals:detail", args=[waiting.pk])).content.decode()
    assert 'data-testid="decide"' in page and JUSTIFICATION in page and "не действует ни одно правило" in page

    refused = client.post(reverse("approvals:approve", args=[waiting.pk]), {"comment": ""})
    assert refused.status_code == 200
    assert "Решение принимается с комментарием" in refused.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "submitted"

    response = client.post(reverse("approvals:approve", args=[waiting.pk]), {"comment": "Согласовать за 10 филиалов"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Согласовать за 10 филиалов" in page and f"12,00{NB}%" in page and "Запрос согласован." in page
    assert Deal.objects.get(pk=waiting.deal_id).granted_discount_rate == waiting.discount_rate


def test_the_requester_cannot_decide_but_may_withdraw(client, waiting, manager_a):
    client.force_login(manager_a)
    page = client.get(reverse("approvals:detail", args=[waiting.pk])).content.decode()
    assert 'data-testid="decide"' not in page and "Отозвать запрос" in page
    response = client.post(reverse("approvals:approve", args=[waiting.pk]), {"comment": "Сам себе"})
    assert "Нельзя согласовать собственный запрос" in response.content.decode()
    client.post(reverse("approvals:withdraw", args=[waiting.pk]), {"comment": ""})
    waiting.refresh_from_db()
    assert waiting.state == "withdrawn"


def test_request_form_applies_within_limit_and_submits_above(client, head, senior_a, deal_a, manager_a):
    client.force_login(manager_a)
    url = reverse("approvals:create", args=[deal_a.pk])
    assert f"Ваш лимит скидки — 5,0{NB}%" in client.get(url).content.decode()

    response = client.post(url, {"discount_rate": "4,5", "justification": "Постоянный клиент"})
    assert response.url == reverse("deals:detail", args=[deal_a.pk])
    deal_a.refresh_from_db()
    assert str(deal_a.granted_discount_rate) == "0.0450"

    response = client.post(url, {"discount_rate": "8", "special_terms": "", "justification": ""})
    assert "Обоснуйте запрос" in response.content.decode() and ApprovalRequest.objects.count() == 0
    response = client.post(url, {"discount_rate": "8", "justification": "10 филиалов"})
    created = ApprovalRequest.objects.get()
    assert (response.url, created.approver) == (reverse("approvals:detail", args=[created.pk]), senior_a)


def test_returned_request_is_reworked_through_the_form(client, waiting, head, manager_a):
    services.return_request(actor=head, request=waiting, comment="Меньше скидку")
    client.force_login(manager_a)
    url = reverse("approvals:resubmit", args=[waiting.pk])
    assert "Меньше скидку" in client.get(url).content.decode()
    client.post(url, {"discount_rate": "9", "justification": "Скидка меньше"})
    waiting.refresh_from_db()
    assert (waiting.state, waiting.round, str(waiting.discount_rate)) == ("submitted", 2, "0.0900")


def test_the_deal_card_has_the_approvals_panel_and_the_thread(client, waiting, deal_a, manager_a, senior_b):
    client.force_login(manager_a)
    page = client.get(reverse("deals:detail", args=[deal_a.pk])).content.decode()
    assert reverse("approvals:deal_panel", args=[deal_a.pk]) in page
    assert reverse("discussions:thread", args=["deal", deal_a.pk]) in page
    panel = client.get(reverse("approvals:deal_panel", args=[deal_a.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert f"Запрос №{waiting.pk}" in panel and 'data-testid="request-approval"' not in panel
    client.force_login(senior_b)
    assert client.get(reverse("approvals:deal_panel", args=[deal_a.pk])).status_code == 404


def test_the_deal_card_offers_the_button_when_nothing_is_open(client, deal_a, manager_a):
    client.force_login(manager_a)
    panel = client.get(reverse("approvals:deal_panel", args=[deal_a.pk])).content.decode()
    assert reverse("approvals:create", args=[deal_a.pk]) in panel


def test_card_shows_verdicts_and_frozen_terms_changed(client, waiting, head, manager_a, underwriter):
    discussion = get_discussion_for(head, "approval", waiting.pk)
    post_message(actor=head, discussion=discussion, body="@underwriter посмотрите риск")
    post_message(
        actor=underwriter,
        discussion=get_discussion_for(underwriter, "approval", waiting.pk),
        body="Принять при франшизе 100 000 ₽",
        verdict="conditions",
    )
    services.approve_request(actor=head, request=waiting, comment="Согласовано")
    update_deal(actor=manager_a, deal=waiting.deal, changes={"amount": "900000"})
    client.force_login(head)
    page = client.get(reverse("approvals:detail", args=[waiting.pk])).content.decode()
    assert 'data-testid="terms-changed"' in page
    assert f"1{NB}000{NB}000,00{NB}₽ → 900{NB}000,00{NB}₽" in page
    assert AuditEvent.objects.filter(action="deal.terms_changed_after_approval").count() == 1


def _many_requests(head, manager_a, property_product, count: int) -> None:
    for number in range(count):
        deal = deal_for(manager_a, property_product, client_name=f"ООО «Клиент {number}»")
        request = submit(manager_a, deal, "0.12")
        post_message(actor=head, discussion=get_discussion_for(head, "approval", request.pk), body="Вопрос")


def test_inbox_and_card_query_counts_do_not_grow(
    client, head, senior_a, manager_a, property_product, django_assert_max_num_queries
):
    _many_requests(head, manager_a, property_product, 2)
    client.force_login(manager_a)
    client.get(reverse("approvals:inbox"))  # warm the content-type cache
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("approvals:inbox"))
    _many_requests(head, manager_a, property_product, 6)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("approvals:inbox")).content.decode()
    assert page.count("data-request=") == 8 and page.count('data-testid="unread"') == 8

    first = ApprovalRequest.objects.order_by("pk").first()
    client.force_login(head)
    with django_assert_max_num_queries(30) as card:
        client.get(reverse("approvals:detail", args=[first.pk]))
    last = ApprovalRequest.objects.order_by("pk").last()
    with django_assert_max_num_queries(len(card)):
        client.get(reverse("approvals:detail", args=[last.pk]))
