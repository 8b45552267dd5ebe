"""Access to deals as a matrix: role × scope (own / same team / other team) × action, in the UI and the API.

A deal the user may not see answers 404 everywhere, exactly like a missing one; a deal they may only
read (underwriting) answers 404 to every write.
"""

import pytest
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.pipeline.models import Deal, DealStatus

W, R, N = "write", "read", "none"
DEALS = ("deal_a", "deal_a2", "deal_sa", "deal_b")
MATRIX = {
    # actor: access to deal_a (manager_a, team A), deal_a2 (manager_a2, team A), deal_sa (senior_a), deal_b (team B)
    "head": (W, W, W, W),
    "senior_a": (W, W, W, N),  # own, team, team, other team
    "senior_b": (N, N, N, W),
    "manager_a": (W, N, N, N),  # own, same team, team lead, other team
    "manager_a2": (N, W, N, N),
    "manager_b": (N, N, N, W),
    "underwriter": (N, N, N, R),  # decided on deal_b only
    "risk_manager": (N, R, N, N),  # decided on deal_a2 only
    "marketing": (N, N, N, N),
    "service_desk": (N, N, N, N),
    "administrator": (N, N, N, N),
}
CASES = [(actor, deal, level) for actor, levels in MATRIX.items() for deal, level in zip(DEALS, levels, strict=True)]
NO_DEAL_ACCESS = {"marketing", "service_desk", "administrator"}


@pytest.fixture
def as_actor(request, client, deals):
    def login(actor: str):
        user = request.getfixturevalue(actor)
        client.force_login(user)
        return client

    return login


def _snapshot(deal: Deal) -> tuple:
    deal.refresh_from_db()
    return (deal.stage_id, deal.status, deal.amount, AuditEvent.objects.count())


@pytest.mark.parametrize(("actor", "deal_key", "level"), CASES)
def test_deal_list_shows_exactly_the_visible_deals(as_actor, deals, actor, deal_key, level):
    response = as_actor(actor).get(reverse("deals:list"))
    if actor in NO_DEAL_ACCESS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = {deal.pk for deal in response.context["page_obj"]}
    assert (deals[deal_key].pk in shown) is (level != N)


@pytest.mark.parametrize(("actor", "deal_key", "level"), CASES)
def test_deal_detail(as_actor, deals, actor, deal_key, level):
    response = as_actor(actor).get(reverse("deals:detail", args=[deals[deal_key].pk]))
    assert response.status_code == (404 if level == N else 200)
    if level != N:
        assert response.context["can_change"] is (level == W)


@pytest.mark.parametrize(("actor", "deal_key", "level"), CASES)
def test_deal_edit_page(as_actor, deals, actor, deal_key, level):
    response = as_actor(actor).get(reverse("deals:edit", args=[deals[deal_key].pk]))
    assert response.status_code == (200 if level == W else 404)


@pytest.mark.parametrize(("actor", "deal_key", "level"), CASES)
def test_deal_move(as_actor, deals, stages, actor, deal_key, level):
    deal = deals[deal_key]
    before = _snapshot(deal)
    response = as_actor(actor).post(reverse("deals:move", args=[deal.pk]), {"stage": stages[2].pk})
    if level == W:
        assert response.status_code == 302
        assert _snapshot(deal) == (stages[2].pk, DealStatus.OPEN, deal.amount, before[3] + 1)
    else:
        assert response.status_code == 404
        assert _snapshot(deal) == before


@pytest.mark.parametrize(("actor", "deal_key", "level"), CASES)
def test_deal_close(as_actor, deals, actor, deal_key, level):
    deal = deals[deal_key]
    before = _snapshot(deal)
    response = as_actor(actor).post(reverse("deals:close_won", args=[deal.pk]), {})
    if level == W:
        assert response.status_code == 302
        assert _snapshot(deal) == (before[0], DealStatus.WON, deal.amount, before[3] + 1)
    else:
        assert response.status_code == 404
        assert _snapshot(deal) == before


@pytest.mark.parametrize(("actor", "deal_key", "level"), CASES)
def test_api_deal_list(as_actor, deals, actor, deal_key, level):
    response = as_actor(actor).get("/api/deals/")
    if actor in NO_DEAL_ACCESS:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
        return
    assert response.status_code == 200
    shown = {row["id"] for row in response.json()["results"]}
    assert (deals[deal_key].pk in shown) is (level != N)


@pytest.mark.parametrize(("actor", "deal_key", "level"), CASES)
def test_api_deal_detail(as_actor, deals, actor, deal_key, level):
    response = as_actor(actor).get(f"/api/deals/{deals[deal_key].pk}/")
    assert response.status_code == (404 if level == N else 200)
    if level == N:
        assert response.json() == {"error": {"code": "not_found", "message": "Не найдено."}}


@pytest.mark.parametrize(("actor", "deal_key", "level"), CASES)
def test_api_deal_patch(as_actor, deals, actor, deal_key, level):
    deal = deals[deal_key]
    before = _snapshot(deal)
    response = as_actor(actor).patch(
        f"/api/deals/{deal.pk}/", {"amount": "2500000.00"}, content_type="application/json"
    )
    if level == W:
        assert response.status_code == 200
        assert response.json()["amount"] == "2500000.00"
        assert _snapshot(deal)[2:] == (2_500_000, before[3] + 1)
    else:
        assert response.status_code == 404
        assert _snapshot(deal) == before


def test_missing_deal_is_404_like_a_forbidden_one(client, head):
    client.force_login(head)
    assert client.get(reverse("deals:detail", args=[999_999])).status_code == 404
    assert client.get("/api/deals/999999/").status_code == 404


def test_board_is_forbidden_to_departments_without_deals(client, marketing):
    client.force_login(marketing)
    assert client.get(reverse("deals:board")).status_code == 403
    assert client.get(reverse("deals:create")).status_code == 403


def test_underwriter_may_not_create_deals(client, underwriter, deals):
    client.force_login(underwriter)
    count = Deal.objects.count()
    assert client.get(reverse("deals:create")).status_code == 403
    response = client.post("/api/deals/", {"client": deals["deal_b"].client_id}, content_type="application/json")
    assert response.status_code == 403
    assert Deal.objects.count() == count
