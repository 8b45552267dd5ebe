"""Which rule applies: turnover boundaries, dates, inactive and overlapping rules, versions, blank client cards."""

import datetime
from decimal import Decimal

import pytest

from crm.catalog.models import ProductLine
from crm.clients.models import Client
from crm.discounts import services
from crm.discounts.models import RuleConditions, StrategicCondition, rate_text
from crm.discounts.tests.conftest import MESSAGE, client_with, make_rule, version_of

ON = datetime.date(2026, 3, 15)
HALF_BILLION = {"turnover_to_amount": Decimal("500000000")}


@pytest.fixture
def logistics_rule(head, logistics):
    return make_rule(head, industries=[logistics], **HALF_BILLION)


@pytest.mark.parametrize(
    ("turnover", "applies"),
    [("499999999.99", True), ("500000000", False), ("500000000.01", False), ("0", True)],
)
def test_turnover_below_500_million_is_strictly_below(manager_a, logistics, cargo, logistics_rule, turnover, applies):
    customer = client_with(manager_a, logistics, turnover)
    version = services.applicable_rule(client=customer, product=cargo, on_date=ON)
    assert version == (version_of(logistics_rule) if applies else None)


@pytest.mark.parametrize(
    ("turnover", "applies"),
    [("99999999.99", False), ("100000000", True), ("100000000.01", True), ("499999999.99", True)],
)
def test_lower_bound_is_inclusive(head, manager_a, logistics, cargo, turnover, applies):
    rule = make_rule(head, turnover_from_amount=Decimal("100000000"), **HALF_BILLION)
    customer = client_with(manager_a, logistics, turnover)
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) == (
        version_of(rule) if applies else None
    )


def test_a_client_without_turnover_is_limited(manager_a, logistics, cargo, logistics_rule):
    customer = client_with(manager_a, logistics, None)
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) == version_of(logistics_rule)


def test_a_client_without_industry_is_limited_and_told_why(manager_a, cargo, logistics_rule):
    customer = client_with(manager_a, None, "100000000")
    violated = services.check_discount(client=customer, product=cargo, rate=Decimal("0.18"), on_date=ON)
    assert violated == version_of(logistics_rule)
    assert services.violation_message(violated, Decimal("0.18"), customer) == (
        "Скидка 18\u00a0% превышает максимум 15\u00a0% по правилу «Логистика до 500 млн»: "
        f"{MESSAGE} В карточке клиента не указано: отрасль — правило применяется, пока данные не заполнены."
    )


def test_other_industries_are_not_limited(manager_a, cargo, logistics_rule):
    from crm.clients.models import Industry

    customer = client_with(manager_a, Industry.objects.get(code="it"), "100000000")
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) is None


def test_a_rule_on_an_okved_section_covers_its_industries(head, manager_a, transport, logistics, cargo):
    rule = make_rule(head, industries=[transport])
    customer = client_with(manager_a, logistics, "100000000")
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) == version_of(rule)


def test_inactive_rule_does_not_apply(head, manager_a, logistics, cargo, logistics_rule):
    services.set_rule_active(actor=head, rule=logistics_rule, is_active=False)
    customer = client_with(manager_a, logistics, "100000000")
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) is None
    assert services.check_discount(client=customer, product=cargo, rate=Decimal("0.5"), on_date=ON) is None


@pytest.mark.parametrize(
    ("on_date", "applies"),
    [
        (datetime.date(2026, 2, 28), False),
        (datetime.date(2026, 3, 1), True),
        (datetime.date(2026, 3, 31), True),
        (datetime.date(2026, 4, 1), False),
    ],
)
def test_dates_are_inclusive_on_both_ends(head, manager_a, logistics, cargo, on_date, applies):
    rule = make_rule(head, starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 31))
    customer = client_with(manager_a, logistics, "100000000")
    assert services.applicable_rule(client=customer, product=cargo, on_date=on_date) == (
        version_of(rule) if applies else None
    )


def test_overlapping_rules_the_strictest_applies(head, manager_a, logistics, cargo, logistics_rule):
    make_rule(head, "Все клиенты — не более 25 %", max_rate="0.25")
    cargo_rule = make_rule(head, "Грузы — не более 10 %", max_rate="0.10", product_lines=[cargo.product_line])
    customer = client_with(manager_a, logistics, "100000000")
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) == version_of(cargo_rule)
    violated = services.check_discount(client=customer, product=cargo, rate=Decimal("0.12"), on_date=ON)
    assert violated == version_of(cargo_rule)


def test_equal_maximums_the_earlier_rule_applies(head, manager_a, logistics, cargo, logistics_rule):
    make_rule(head, "Грузы — тоже 15 %", product_lines=[cargo.product_line])
    customer = client_with(manager_a, logistics, "100000000")
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) == version_of(logistics_rule)


def test_product_line_condition(head, manager_a, logistics, cargo, kasko):
    rule = make_rule(head, product_lines=[kasko.product_line])
    customer = client_with(manager_a, logistics, "100000000")
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) is None
    assert services.applicable_rule(client=customer, product=kasko, on_date=ON) == version_of(rule)


def test_strategic_segment_and_region_conditions(head, manager_a, region, cargo):
    only_strategic = make_rule(head, "Стратегические", strategic=StrategicCondition.YES)
    small_in_centre = make_rule(head, "Малые в Центре", max_rate="0.2", segments=["small"], regions=[region])
    strategic = client_with(manager_a, None, "100000000", is_strategic=True)
    small = client_with(manager_a, None, "500000000", region=region)
    large = client_with(manager_a, None, "5000000000", region=region)
    assert services.applicable_rule(client=strategic, product=cargo, on_date=ON) == version_of(only_strategic)
    assert services.applicable_rule(client=small, product=cargo, on_date=ON) == version_of(small_in_centre)
    assert services.applicable_rule(client=large, product=cargo, on_date=ON) is None


def test_a_new_version_applies_from_now(head, manager_a, logistics, cargo, logistics_rule):
    first = version_of(logistics_rule)
    second = services.change_rule(
        actor=head,
        rule=logistics_rule,
        data={
            "name": logistics_rule.name,
            "industries": [logistics],
            **HALF_BILLION,
            "max_discount_rate": Decimal("0.10"),
            "message": MESSAGE,
            "starts_on": ON,
        },
    )
    customer = client_with(manager_a, logistics, "100000000")
    assert (first.number, second.number) == (1, 2)
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON) == second
    assert services.check_discount(client=customer, product=cargo, rate=Decimal("0.12"), on_date=ON) == second
    # Before the new version's start the rule is not in force at all: the latest version decides alone.
    assert services.applicable_rule(client=customer, product=cargo, on_date=ON - datetime.timedelta(days=1)) is None


def test_check_discount_passes_at_the_maximum(manager_a, logistics, cargo, logistics_rule):
    customer = client_with(manager_a, logistics, "100000000")
    assert services.check_discount(client=customer, product=cargo, rate=Decimal("0.15"), on_date=ON) is None
    assert services.check_discount(client=customer, product=cargo, rate=Decimal("0.1501"), on_date=ON) == version_of(
        logistics_rule
    )


def test_applicable_rule_runs_a_fixed_number_of_queries(head, manager_a, logistics, cargo, django_assert_num_queries):
    for number in range(6):
        make_rule(head, f"Правило {number}", max_rate=f"0.{20 + number}", industries=[logistics])
    customer = Client.objects.select_related("industry").get(pk=client_with(manager_a, logistics, "1").pk)
    with django_assert_num_queries(4):
        services.applicable_rule(client=customer, product=cargo, on_date=ON)


@pytest.mark.parametrize(
    "conditions",
    [
        RuleConditions(turnover_to_amount=Decimal("500000000")),
        RuleConditions(turnover_from_amount=Decimal("100000000"), turnover_to_amount=Decimal("800000000")),
        RuleConditions(segments=frozenset({"small", "medium"})),
        RuleConditions(strategic=StrategicCondition.NO),
    ],
)
def test_database_matching_agrees_with_python_matching(manager_a, region, logistics, transport, conditions):
    for turnover in (None, "0", "99999999.99", "100000000", "499999999.99", "500000000", "800000000", "5e9"):
        for industry in (None, logistics, transport):
            client_with(manager_a, industry, turnover, is_strategic=turnover == "0")
    line = ProductLine.objects.get(code="cargo").pk
    in_python = {client.pk for client in Client.objects.all() if conditions.matches(client, line)}
    in_database = set(Client.objects.filter(conditions.client_q()).values_list("pk", flat=True))
    assert in_python == in_database
    assert 0 < len(in_python) < Client.objects.count()


def test_database_matching_agrees_for_industries(manager_a, logistics, transport):
    conditions = RuleConditions(industry_ids=frozenset({transport.pk}))
    from crm.clients.models import Industry

    expected = set()
    for industry in (None, logistics, transport, Industry.objects.get(code="it")):
        customer = client_with(manager_a, industry, "1")
        if industry is None or industry.code in {"transport", "logistics"}:
            expected.add(customer.pk)
    line = ProductLine.objects.get(code="cargo").pk
    assert {client.pk for client in Client.objects.all() if conditions.matches(client, line)} == expected
    assert set(Client.objects.filter(conditions.client_q()).values_list("pk", flat=True)) == expected


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        ("0.15", "15\u00a0%"),
        ("0.155", "15,5\u00a0%"),
        ("0.1575", "15,75\u00a0%"),
        ("0", "0\u00a0%"),
        ("0.1", "10\u00a0%"),
    ],
)
def test_rate_text(rate, text):
    assert rate_text(Decimal(rate)) == text
