"""The client screens as a user drives them: forms keep input on error, search, live table, card."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.clients.factories import ClientFactory, ContactFactory
from crm.clients.models import Client, Consent, Industry
from crm.clients.services import update_client
from crm.clients.tests.conftest import client_form_data, make_contract
from crm.core.periods import today
from crm.org.factories import RegionFactory, UserFactory
from crm.pipeline.factories import DealFactory
from crm.policies.models import ContractStatus

NEW_CLIENT = {
    "name": "ООО «Ромашка»", "short_name": "Ромашка", "inn": "7707083894", "kpp": "773601001", "ogrn": "1027700132195",
    "branch_count": "3", "significance": "low", "turnover_amount": "250000000", "address": "Москва, ул. Тверская, 1",
}  # fmt: skip
NBSP = "\u00a0"


def test_create_with_bad_inn_shows_the_message_and_keeps_the_input(client, manager_a):
    client.force_login(manager_a)

    response = client.post(reverse("clients:create"), {**NEW_CLIENT, "manager": manager_a.pk})

    assert response.status_code == 200
    assert response.context["form"].errors == {"inn": ["Неверная контрольная сумма ИНН — проверьте цифры."]}
    html = response.content.decode()
    assert (
        '<div class="field-error" data-field-error="inn">Неверная контрольная сумма ИНН — проверьте цифры.</div>'
        in html
    )
    for value in ["7707083894", "ООО «Ромашка»", "250000000", "Москва, ул. Тверская, 1", "1027700132195"]:
        assert f'value="{value}"' in html.replace("&laquo;", "«").replace("&raquo;", "»")
    assert (Client.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_create_registers_the_client_and_opens_its_card(client, senior_a, manager_a2):
    client.force_login(senior_a)

    response = client.post(reverse("clients:create"), {**NEW_CLIENT, "inn": "7707083893", "manager": manager_a2.pk})

    created = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[created.pk])
    assert (created.manager, created.turnover_amount, created.segment) == (manager_a2, Decimal("250000000.00"), "small")
    assert AuditEvent.objects.get().action == "client.created"


def test_create_form_offers_only_assignable_managers(client, senior_a, manager_a, manager_a2, manager_b):
    client.force_login(senior_a)

    form = client.get(reverse("clients:create")).context["form"]

    assert set(form.fields["manager"].queryset) == {senior_a, manager_a, manager_a2}
    assert form.fields["manager"].initial == senior_a.pk


def test_create_with_a_manager_of_another_team_is_refused(client, senior_a, manager_b):
    client.force_login(senior_a)

    response = client.post(reverse("clients:create"), {**NEW_CLIENT, "inn": "7707083893", "manager": manager_b.pk})

    assert response.context["form"].errors == {
        "manager": ["Выберите корректный вариант. Вашего варианта нет среди допустимых значений."]
    }
    assert Client.objects.count() == 0


def test_edit_with_bad_inn_keeps_the_stored_client(client, manager_a):
    target = ClientFactory(manager=manager_a, name="ООО «Альфа»")
    stored_inn = target.inn
    client.force_login(manager_a)

    response = client.post(reverse("clients:edit", args=[target.pk]), client_form_data(target, inn="7707083894"))

    target.refresh_from_db()
    assert response.context["form"].errors == {"inn": ["Неверная контрольная сумма ИНН — проверьте цифры."]}
    assert (target.inn, AuditEvent.objects.count()) == (stored_inn, 0)


@pytest.fixture
def searchable(manager_a):
    return {
        "romashka": ClientFactory(manager=manager_a, name="ООО «Ромашка»", inn="7707083893"),
        "ip": ClientFactory(manager=manager_a, name="ИП Сидоров Сидор", inn="500100732259", kpp="", ogrn=""),
        "vasilek": ClientFactory(manager=manager_a, name="ООО «Василёк»", short_name="Василёк"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("77070", ["romashka"]),
        ("5001", ["ip"]),
        ("ромаш", ["romashka"]),
        ("ВАСИЛ", ["vasilek"]),
        ("ООО", ["vasilek", "romashka"]),
    ],
)
def test_list_search_by_inn_prefix_and_name(client, manager_a, searchable, query, expected):
    client.force_login(manager_a)

    response = client.get(reverse("clients:list"), {"q": query})

    assert [row.pk for row in response.context["page_obj"]] == [searchable[key].pk for key in expected]


def test_live_search_returns_only_the_table(client, manager_a, searchable):
    client.force_login(manager_a)

    response = client.get(reverse("clients:list"), {"q": "5001"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="client-table">')
    assert "<html" not in html
    assert ("ИП Сидоров Сидор" in html, "Ромашка" in html) == (True, False)
    assert "HX-Request" in [header.strip() for header in response["Vary"].split(",")]


def test_full_page_has_the_live_search_box(client, manager_a, searchable):
    client.force_login(manager_a)

    html = client.get(reverse("clients:list")).content.decode()

    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-target="#client-table"' in html
    assert html.count('<div id="client-table">') == 1


def test_list_filters(client, head, manager_a, manager_b):
    transport = Industry.objects.get(code="transport")
    north = RegionFactory(name="Северо-Запад", code="NW")
    taxi = ClientFactory(manager=manager_a, industry=Industry.objects.get(code="taxi"), region=north, is_strategic=True)
    ClientFactory(manager=manager_b, industry=transport, turnover_amount=Decimal("5000000000"))
    ClientFactory(manager=manager_b, industry=Industry.objects.get(code="it"), region=north)
    client.force_login(head)

    def names(**params):
        return [row.pk for row in client.get(reverse("clients:list"), params).context["page_obj"]]

    assert len(names(industry=transport.pk)) == 2  # the section and its «Таксопарки»
    assert names(region=north.pk, strategic="yes") == [taxi.pk]
    assert names(segment="large", manager=manager_b.pk) == [Client.objects.get(segment="large").pk]
    assert names(manager=manager_a.pk) == [taxi.pk]


def test_list_query_count_does_not_grow_with_rows(client, head, django_assert_max_num_queries):
    def add_clients(n):
        for i in range(n):
            owner = UserFactory(team=None)
            ClientFactory(manager=owner, industry=Industry.objects.all()[i % 5], region=RegionFactory())

    client.force_login(head)
    add_clients(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("clients:list")).status_code == 200
    add_clients(25)

    with django_assert_max_num_queries(len(five)):
        response = client.get(reverse("clients:list"))
    assert len(response.context["page_obj"]) == 30


def test_card_shows_sections_sums_and_history(client, senior_a, manager_a):
    target = ClientFactory(manager=manager_a, name="ООО «Альфа»", turnover_amount=Decimal("1234567.89"))
    ContactFactory(client=target, full_name="Иванова Анна", is_decision_maker=True)
    make_contract(target, "К-1", "1000000.50")
    make_contract(target, "К-2", "234567.00", status=ContractStatus.EXPIRED)
    make_contract(target, "К-3", "999999.00", status=ContractStatus.CANCELLED)
    DealFactory(client=target, amount=Decimal("300000"))
    update_client(target, {"name": "ООО «Альфа-Плюс»"}, actor=senior_a)
    client.force_login(senior_a)

    response = client.get(reverse("clients:detail", args=[target.pk]))

    html = response.content.decode()
    card = response.context["card"]
    assert (card.contract_summary.sold_count, card.contract_summary.in_force_count) == (2, 1)
    assert f'data-testid="written-premium">1{NBSP}234{NBSP}568{NBSP}₽<' in html  # 1 000 000,50 + 234 567 rounded
    for section in ["requisites", "contacts", "consents", "deals", "contracts", "service", "history"]:
        assert f'id="{section}"' in html
    assert "Иванова Анна" in html and "ЛПР" in html
    assert [(line.label, line.old, line.new) for line in response.context["history"][0].changes] == [
        ("полное наименование", "ООО «Альфа»", "ООО «Альфа-Плюс»")
    ]
    assert f"1{NBSP}234{NBSP}568{NBSP}₽" in html  # turnover 1 234 567,89 rounded to roubles


def test_card_query_count_does_not_grow_with_records(client, head, manager_a, django_assert_max_num_queries):
    target = ClientFactory(manager=manager_a)
    client.force_login(head)

    def add_records(n, start):
        for i in range(n):
            ContactFactory(client=target)
            make_contract(target, f"Q-{start + i}", "1000")
            DealFactory(client=target)

    add_records(1, 0)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("clients:detail", args=[target.pk]))
    add_records(10, 1)

    with django_assert_max_num_queries(len(one)):
        assert client.get(reverse("clients:detail", args=[target.pk])).status_code == 200


def test_service_desk_reads_the_card_without_deals_or_buttons(client, service_desk, manager_a):
    target = ClientFactory(manager=manager_a)
    DealFactory(client=target, title="Секретная сделка")
    client.force_login(service_desk)

    html = client.get(reverse("clients:detail", args=[target.pk])).content.decode()

    assert ('id="deals"' in html, "Секретная сделка" in html) == (False, False)
    for name in ["clients:edit", "clients:contact_add", "clients:consent_add"]:
        assert reverse(name, args=[target.pk]) not in html


def test_add_contact_through_the_form(client, manager_a):
    target = ClientFactory(manager=manager_a)
    client.force_login(manager_a)
    url = reverse("clients:contact_add", args=[target.pk])

    bad = client.post(url, {"full_name": "Иванова Анна", "email": "ivanova@"})
    good = client.post(url, {"full_name": "Иванова Анна", "email": "ivanova@example.ru", "is_decision_maker": "on"})

    assert bad.context["form"].errors == {"email": ["Введите правильный адрес электронной почты."]}
    assert good["Location"] == reverse("clients:detail", args=[target.pk]) + "#contacts"
    contact = target.contacts.get()
    assert (contact.email, contact.is_decision_maker, AuditEvent.objects.count()) == ("ivanova@example.ru", True, 1)


def test_edit_contact_through_the_form(client, manager_a):
    contact = ContactFactory(client=ClientFactory(manager=manager_a), full_name="Иванова Анна")
    client.force_login(manager_a)

    client.post(
        reverse("clients:contact_edit", args=[contact.client_id, contact.pk]), {"full_name": "Иванова-Петрова Анна"}
    )

    contact.refresh_from_db()
    assert (contact.full_name, AuditEvent.objects.get().action) == ("Иванова-Петрова Анна", "client.contact_updated")


def test_contact_of_another_client_is_404(client, manager_a):
    mine = ClientFactory(manager=manager_a)
    other_contact = ContactFactory(client=ClientFactory(manager=manager_a))
    client.force_login(manager_a)

    response = client.get(reverse("clients:contact_edit", args=[mine.pk, other_contact.pk]))

    assert response.status_code == 404


def test_consent_add_and_withdraw_through_the_forms(client, manager_a):
    target = ClientFactory(manager=manager_a)
    contact = ContactFactory(client=target)
    client.force_login(manager_a)
    given_on = today() - datetime.timedelta(days=10)

    client.post(
        reverse("clients:consent_add", args=[target.pk]),
        {"contact": contact.pk, "purpose": "Заключение договора", "given_on": given_on.isoformat(), "document": "№ 7"},
    )  # fmt: skip
    consent = Consent.objects.get()
    early = client.post(
        reverse("clients:consent_withdraw", args=[target.pk, consent.pk]), {"withdrawn_on": "2000-01-01"}
    )
    client.post(
        reverse("clients:consent_withdraw", args=[target.pk, consent.pk]), {"withdrawn_on": today().isoformat()}
    )

    consent.refresh_from_db()
    assert early.context["form"].errors == {
        "withdrawn_on": [f"Дата отзыва не может быть раньше даты согласия ({given_on:%d.%m.%Y})."]
    }
    assert (consent.contact, consent.given_on, consent.withdrawn_on) == (contact, given_on, today())
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "client.consent_recorded", "client.consent_withdrawn"
    ]  # fmt: skip


def test_reassign_through_the_form(client, senior_a, manager_a, manager_a2, manager_b):
    target = ClientFactory(manager=manager_a)
    client.force_login(senior_a)
    url = reverse("clients:reassign", args=[target.pk])

    choices = set(client.get(url).context["form"].fields["manager"].queryset)
    client.post(url, {"manager": manager_a2.pk})

    target.refresh_from_db()
    assert choices == {senior_a, manager_a2}
    assert target.manager == manager_a2


def test_list_and_card_need_a_login(client, manager_a):
    target = ClientFactory(manager=manager_a)

    for url in [reverse("clients:list"), reverse("clients:detail", args=[target.pk])]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/login/?next={url}")
