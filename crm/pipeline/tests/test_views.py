"""The funnel's pages: constant queries, forms that keep what was typed, the htmx board."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.catalog.factories import ProductFactory
from crm.clients.factories import ClientFactory
from crm.core.navigation import menu_for
from crm.pipeline import services
from crm.pipeline.models import Deal, DealStatus
from crm.pipeline.tests.conftest import deal_for

BOARD_QUERIES = 7
LIST_QUERIES = 7


def _many_deals(manager, stages, count):
    for index in range(count):
        deal_for(
            manager,
            stage=stages[index % 3],
            expected_close_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["deals:board", "deals:list"])
def test_pages_run_the_same_queries_for_5_and_25_deals(
    client, head, manager_a, stages, url_name, django_assert_max_num_queries
):
    client.force_login(head)
    _many_deals(manager_a, stages, 5)
    small = _queries(client, reverse(url_name))
    _many_deals(manager_a, stages, 20)
    with django_assert_max_num_queries(BOARD_QUERIES if url_name == "deals:board" else LIST_QUERIES):
        response = client.get(reverse(url_name))
    assert _queries(client, reverse(url_name)) == small
    assert response.status_code == 200


def test_create_form_error_keeps_typed_values_and_saves_nothing(client, manager_a):
    client.force_login(manager_a)
    product = ProductFactory()
    counts = (Deal.objects.count(), AuditEvent.objects.count())
    response = client.post(
        reverse("deals:create"),
        {
            "title": "КАСКО автопарка",
            "product": product.pk,
            "amount": "1 250 000,50",
            "probability": "35",
            "kind": "new",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field-error="client">Выберите клиента.<' in html
    assert 'value="КАСКО автопарка"' in html
    assert 'value="1 250 000,50"' in html
    assert 'value="35"' in html
    assert (Deal.objects.count(), AuditEvent.objects.count()) == counts


def test_create_deal_from_a_client_card(client, manager_a, stages):
    client.force_login(manager_a)
    customer = ClientFactory(manager=manager_a)
    page = client.get(reverse("deals:create"), {"client": customer.pk})
    assert page.context["form"]["client"].value() == str(customer.pk)
    response = client.post(
        reverse("deals:create"),
        {
            "client": customer.pk,
            "product": ProductFactory().pk,
            "amount": "1 250 000,50",
            "probability": "35,5",
            "kind": "new",
        },
    )
    deal = Deal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("deals:detail", args=[deal.pk])
    assert (deal.client, deal.manager, deal.stage, deal.amount) == (
        customer,
        manager_a,
        stages[0],
        Decimal("1250000.50"),
    )
    assert deal.probability == Decimal("0.355")


def test_edit_form_shows_probability_in_percent_and_saves(client, manager_a):
    deal = deal_for(manager_a, probability=Decimal("0.45"), amount=Decimal("1200000.00"))
    client.force_login(manager_a)
    form = client.get(reverse("deals:edit", args=[deal.pk])).context["form"]
    assert (form["probability"].value(), form["amount"].value()) == ("45", "1\u00a0200\u00a0000")
    data = {
        "product": deal.product_id,
        "manager": manager_a.pk,
        "amount": "1 300 000",
        "probability": "",
        "kind": "renewal",
    }
    response = client.post(reverse("deals:edit", args=[deal.pk]), data)
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.amount, deal.probability, deal.kind) == (1_300_000, None, "renewal")


def test_htmx_move_swaps_the_board(client, manager_a, stages):
    deal = deal_for(manager_a, stage=stages[0])
    client.force_login(manager_a)
    response = client.post(
        reverse("deals:move", args=[deal.pk]) + f"?manager={manager_a.pk}",
        {"stage": stages[1].pk},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="board"')
    assert "<html" not in html
    deal.refresh_from_db()
    assert deal.stage == stages[1]
    assert f'hx-post="/deals/{deal.pk}/move/?manager={manager_a.pk}"' in html


def test_htmx_move_of_a_closed_deal_shows_why_and_changes_nothing(client, manager_a, stages):
    deal = deal_for(manager_a, stage=stages[0], status=DealStatus.WON, closed_on=datetime.date(2026, 3, 2))
    client.force_login(manager_a)
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("deals:move", args=[deal.pk]), {"stage": stages[1].pk}, headers={"HX-Request": "true"}
    )
    assert "Сделка уже закрыта (выиграна 02.03.2026)" in response.content.decode()
    deal.refresh_from_db()
    assert (deal.stage, AuditEvent.objects.count()) == (stages[0], events)


def test_plain_move_redirects_back_with_a_message(client, manager_a, stages):
    deal = deal_for(manager_a, stage=stages[0])
    client.force_login(manager_a)
    detail = reverse("deals:detail", args=[deal.pk])
    response = client.post(reverse("deals:move", args=[deal.pk]), {"stage": stages[2].pk, "next": detail}, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert "Сделка перемещена на этап «Коммерческое предложение»." in response.content.decode()
    response = client.post(
        reverse("deals:move", args=[deal.pk]), {"stage": stages[2].pk, "next": "https://evil.example/"}
    )
    assert response.url == reverse("deals:board")


def test_close_lost_form_requires_text_for_other_and_keeps_it(client, manager_a):
    deal = deal_for(manager_a)
    client.force_login(manager_a)
    response = client.post(
        reverse("deals:close_lost", args=[deal.pk]), {"lost_reason": "other", "closed_on": "2026-03-02"}
    )
    assert (
        'data-field-error="lost_reason_text">Для причины «Другое» опишите, почему сделка проиграна.<'
        in response.content.decode()
    )
    assert 'value="2026-03-02"' in response.content.decode()
    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN
    response = client.post(
        reverse("deals:close_lost", args=[deal.pk]), {"lost_reason": "other", "lost_reason_text": "Тендер отменён"}
    )
    deal.refresh_from_db()
    assert (response.status_code, deal.status, deal.lost_reason_text) == (302, DealStatus.LOST, "Тендер отменён")


def test_detail_shows_history_with_russian_labels(client, manager_a, stages):
    deal = deal_for(manager_a, stage=stages[0])
    services.move_deal_to_stage(actor=manager_a, deal=deal, stage=stages[1])
    services.close_deal_won(actor=manager_a, deal=deal, closed_on=datetime.date(2026, 3, 2))
    client.force_login(manager_a)
    response = client.get(reverse("deals:detail", args=[deal.pk]))
    history = response.context["history"]
    assert [row.action_label for row in history] == ["Закрыта: выиграна", "Перемещена на другой этап"]
    assert [(c.label, c.old, c.new) for c in history[0].changes] == [
        ("статус", "В работе", "Выиграна"),
        ("дата закрытия", None, "02.03.2026"),
    ]
    assert response.context["can_change"] is False


def test_menu_entries_by_role(head, underwriter, marketing):
    assert [item.label for item in menu_for(head, "/")][1:3] == ["Воронка", "Сделки"]
    assert "Сделки" in [item.label for item in menu_for(underwriter, "/")]
    assert "Воронка" not in [item.label for item in menu_for(underwriter, "/")]
    assert {"Воронка", "Сделки"}.isdisjoint(item.label for item in menu_for(marketing, "/"))


def test_board_card_shows_client_product_amount_date_manager(client, manager_a, stages):
    deal = deal_for(
        manager_a, stage=stages[1], amount=Decimal("1234567.00"), expected_close_on=datetime.date(2020, 1, 31)
    )
    client.force_login(manager_a)
    html = client.get(reverse("deals:board")).content.decode()
    card = html[html.index(f'data-deal="{deal.pk}"') - 40 :]
    card = card[: card.index("</article>")]
    assert 'class="board-card overdue"' in card
    for text in (str(deal.client), str(deal.product), "1\u00a0234\u00a0567\u00a0₽", "31.01.2020", str(manager_a)):
        assert text in card
    assert f'<option value="{stages[1].pk}" selected>' in card


def test_detail_links_the_client_card_only_for_who_sees_the_client(client, manager_a, deals, underwriter):
    deal = deals["deal_a"]
    link = f'href="/clients/{deal.client_id}/"'
    client.force_login(manager_a)
    assert link in client.get(reverse("deals:detail", args=[deal.pk])).content.decode()
    client.force_login(underwriter)
    deal_b = deals["deal_b"]
    html = client.get(reverse("deals:detail", args=[deal_b.pk])).content.decode()
    assert f'href="/clients/{deal_b.client_id}/"' not in html
    assert str(deal_b.client) in html
