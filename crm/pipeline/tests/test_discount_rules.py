"""Discount rules are enforced wherever a deal's discount is set: services, the deal form, the API.

Every decision records the rule version that applied (even within its limit) on the deal and in the audit
event; a discount above the maximum is refused with the rule's message and leaves the deal unchanged.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.catalog.factories import ProductFactory
from crm.catalog.models import ProductLine
from crm.clients.models import Industry
from crm.discounts import services as rules
from crm.discounts.services import DiscountRuleViolation
from crm.discounts.tests.conftest import MESSAGE, client_with, make_rule, version_of
from crm.pipeline import services
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Deal

NB = "\u00a0"
REFUSED = f"Скидка 18{NB}% превышает максимум 15{NB}% по правилу «Логистика до 500 млн»: {MESSAGE}"


@pytest.fixture
def logistics(db):
    return Industry.objects.get(code="logistics")


@pytest.fixture
def cargo(db):
    return ProductFactory(product_line=ProductLine.objects.get(code="cargo"), name="Грузы — экспедиторы")


@pytest.fixture
def kasko(db):
    return ProductFactory(product_line=ProductLine.objects.get(code="kasko"), name="КАСКО автопарк")


@pytest.fixture
def rule(head, logistics):
    return make_rule(head, industries=[logistics], turnover_to_amount=Decimal("500000000"))


@pytest.fixture
def customer(manager_a, logistics):
    return client_with(manager_a, logistics, "499999999.99")


@pytest.fixture
def deal(customer, cargo, stages):
    return DealFactory(client=customer, product=cargo, amount=Decimal("1000000.00"))


def _state(deal: Deal) -> tuple:
    deal.refresh_from_db()
    terms = (deal.requested_discount_rate, deal.granted_discount_rate, deal.discount_rule_version_id)
    return (*terms, deal.product_id, deal.amount, deal.updated_at, AuditEvent.objects.count())


def test_create_above_the_maximum_is_refused_and_nothing_is_created(manager_a, customer, cargo, rule, stages):
    events = AuditEvent.objects.count()
    data = {
        "client": customer,
        "product": cargo,
        "amount": Decimal(500_000),
        "requested_discount_rate": Decimal("0.18"),
    }
    with pytest.raises(DiscountRuleViolation) as error:
        services.create_deal(actor=manager_a, data=data)
    assert error.value.message_dict == {"requested_discount_rate": [REFUSED]}
    assert error.value.version == version_of(rule)
    assert (Deal.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_create_within_the_limit_records_the_version(manager_a, customer, cargo, rule, stages):
    data = {"client": customer, "product": cargo, "amount": Decimal(500_000), "granted_discount_rate": Decimal("0.15")}
    deal = services.create_deal(actor=manager_a, data=data)
    version = version_of(rule)
    assert deal.discount_rule_version == version
    changes = AuditEvent.objects.get(action="deal.created").changes
    assert (changes["granted_discount_rate"], changes["discount_rule_version"]) == (
        [None, "0.1500"],
        [None, version.pk],
    )


def test_update_above_the_maximum_leaves_the_deal_unchanged(manager_a, deal, rule):
    before = _state(deal)
    changes = {"amount": Decimal(2_000_000), "granted_discount_rate": Decimal("0.18")}
    with pytest.raises(DiscountRuleViolation) as error:
        services.update_deal(actor=manager_a, deal=deal, changes=changes)
    assert error.value.message_dict == {"granted_discount_rate": [REFUSED]}
    assert _state(deal) == before


def test_both_rates_above_are_both_named(manager_a, deal, rule):
    changes = {"requested_discount_rate": Decimal("0.2"), "granted_discount_rate": Decimal("0.18")}
    with pytest.raises(DiscountRuleViolation) as error:
        services.update_deal(actor=manager_a, deal=deal, changes=changes)
    assert set(error.value.message_dict) == {"requested_discount_rate", "granted_discount_rate"}
    assert error.value.violations == {
        "requested_discount_rate": Decimal("0.2"),
        "granted_discount_rate": Decimal("0.18"),
    }


def test_update_within_the_limit_is_audited_with_the_version(manager_a, deal, rule):
    services.update_deal(actor=manager_a, deal=deal, changes={"requested_discount_rate": Decimal("0.12")})
    deal.refresh_from_db()
    version = version_of(rule)
    assert (deal.requested_discount_rate, deal.discount_rule_version) == (Decimal("0.1200"), version)
    assert AuditEvent.objects.get(action="deal.updated").changes == {
        "requested_discount_rate": [None, "0.1200"],
        "discount_rule_version": [None, version.pk],
    }


def test_no_rule_no_version(manager_a, manager_b, logistics, cargo, rule, stages):
    big = DealFactory(client=client_with(manager_a, logistics, "500000000"), product=cargo)
    services.update_deal(actor=manager_a, deal=big, changes={"granted_discount_rate": Decimal("0.3")})
    big.refresh_from_db()
    assert (big.granted_discount_rate, big.discount_rule_version) == (Decimal("0.3000"), None)


def test_old_decisions_keep_their_version_after_an_edit(head, manager_a, customer, cargo, logistics, rule, stages):
    first = DealFactory(client=customer, product=cargo)
    services.update_deal(actor=manager_a, deal=first, changes={"granted_discount_rate": Decimal("0.12")})
    v1 = version_of(rule)
    terms = {"name": rule.name, "industries": [logistics], "turnover_to_amount": Decimal("500000000")}
    v2 = rules.change_rule(
        actor=head,
        rule=rule,
        data=terms | {"max_discount_rate": Decimal("0.10"), "message": MESSAGE, "starts_on": v1.starts_on},
    )
    second = DealFactory(client=customer, product=cargo)
    services.update_deal(actor=manager_a, deal=second, changes={"granted_discount_rate": Decimal("0.08")})
    services.update_deal(actor=manager_a, deal=first, changes={"amount": Decimal(3_000_000)})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.discount_rule_version, second.discount_rule_version) == (v1, v2)
    with pytest.raises(DiscountRuleViolation) as error:
        services.update_deal(actor=manager_a, deal=first, changes={"granted_discount_rate": Decimal("0.13")})
    assert error.value.version == v2
    first.refresh_from_db()
    assert (first.granted_discount_rate, first.discount_rule_version) == (Decimal("0.1200"), v1)


def test_an_unchanged_historical_discount_is_not_rechecked(manager_a, customer, cargo, rule, stages):
    old = DealFactory(client=customer, product=cargo, granted_discount_rate=Decimal("0.30"))
    services.update_deal(
        actor=manager_a, deal=old, changes={"amount": Decimal(2_000_000), "granted_discount_rate": Decimal("0.3")}
    )
    old.refresh_from_db()
    assert (old.amount, old.granted_discount_rate, old.discount_rule_version) == (2_000_000, Decimal("0.3"), None)


def test_a_product_change_under_a_discount_is_decided_again(head, manager_a, customer, cargo, kasko, stages):
    make_rule(head, "КАСКО — не более 10 %", max_rate="0.10", product_lines=[kasko.product_line])
    deal = DealFactory(client=customer, product=cargo)
    services.update_deal(actor=manager_a, deal=deal, changes={"granted_discount_rate": Decimal("0.2")})
    before = _state(deal)
    with pytest.raises(DiscountRuleViolation) as error:
        services.update_deal(actor=manager_a, deal=deal, changes={"product": kasko})
    assert error.value.message_dict["granted_discount_rate"][0].startswith(
        f"Скидка 20{NB}% превышает максимум 10{NB}% по правилу «КАСКО — не более 10 %»"
    )
    assert _state(deal) == before


def test_clearing_the_discount_clears_the_version(manager_a, deal, rule):
    services.update_deal(actor=manager_a, deal=deal, changes={"granted_discount_rate": Decimal("0.1")})
    services.update_deal(actor=manager_a, deal=deal, changes={"granted_discount_rate": None})
    deal.refresh_from_db()
    assert (deal.granted_discount_rate, deal.discount_rule_version) == (None, None)
    assert AuditEvent.objects.filter(action="deal.updated").latest("id").changes == {
        "granted_discount_rate": ["0.1000", None],
        "discount_rule_version": [version_of(rule).pk, None],
    }


def test_the_deal_form_shows_the_rule_message_and_saves_nothing(client, manager_a, deal, rule):
    client.force_login(manager_a)
    before = _state(deal)
    data = {
        "product": deal.product_id,
        "manager": manager_a.pk,
        "amount": "1 000 000",
        "kind": "new",
        "requested_discount_rate": "18",
    }
    response = client.post(reverse("deals:edit", args=[deal.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field-error="requested_discount_rate"' in page
    assert REFUSED.replace("«", "&laquo;").replace("»", "&raquo;") in page or REFUSED in page
    assert _state(deal) == before
    response = client.post(reverse("deals:edit", args=[deal.pk]), data | {"requested_discount_rate": "15"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.requested_discount_rate, deal.discount_rule_version) == (Decimal("0.1500"), version_of(rule))


def test_the_edit_form_shows_discounts_in_percent(client, manager_a, deal):
    deal.granted_discount_rate = Decimal("0.125")
    deal.save()
    client.force_login(manager_a)
    form = client.get(reverse("deals:edit", args=[deal.pk])).context["form"]
    assert (form["granted_discount_rate"].value(), form["requested_discount_rate"].value()) == ("12,50", None)


def test_the_api_answers_400_naming_the_rule(client, manager_a, deal, rule):
    client.force_login(manager_a)
    before = _state(deal)
    response = client.patch(
        f"/api/deals/{deal.pk}/", {"granted_discount_rate": "0.18"}, content_type="application/json"
    )
    assert response.status_code == 400
    version = version_of(rule)
    assert response.json() == {
        "error": {
            "code": "discount_rule_violated",
            "message": REFUSED,
            "fields": {"granted_discount_rate": [REFUSED]},
            "rule": {
                "id": rule.pk,
                "name": "Логистика до 500 млн",
                "version_id": version.pk,
                "version": 1,
                "max_discount_rate": "0.1500",
                "message": MESSAGE,
            },
        }
    }
    assert _state(deal) == before


def test_the_api_creates_within_the_limit_and_refuses_above(client, manager_a, customer, cargo, rule, stages):
    client.force_login(manager_a)
    payload = {"client": customer.pk, "product": cargo.pk, "amount": "100000", "requested_discount_rate": "0.18"}
    response = client.post("/api/deals/", payload, content_type="application/json")
    assert (response.status_code, response.json()["error"]["rule"]["id"]) == (400, rule.pk)
    assert Deal.objects.count() == 0
    response = client.post(
        "/api/deals/", payload | {"requested_discount_rate": "0.15"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["requested_discount_rate"], body["discount_rule_version"]) == ("0.1500", version_of(rule).pk)


def test_the_deal_card_shows_the_discounts_and_the_rule_that_decided_them(client, manager_a, deal, rule):
    services.update_deal(
        actor=manager_a,
        deal=deal,
        changes={"requested_discount_rate": Decimal("0.12"), "granted_discount_rate": Decimal("0.10")},
    )
    client.force_login(manager_a)

    page = client.get(reverse("deals:detail", args=[deal.pk])).content.decode()

    assert f"12,0{NB}% / 10,0{NB}%" in page
    assert f"«Логистика до 500 млн»</a>, версия 1 (максимум 15,0{NB}%)" in page
    history = page.split('data-testid="history"', 1)[1]
    assert f"запрошенная скидка: — → 12,0{NB}%" in history
    assert "правило скидок: — → «Логистика до 500 млн», версия 1" in history
