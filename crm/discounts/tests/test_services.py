"""Writing rules: head only, one audited transaction per action, a new version per edit, nothing half-saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crm.audit.models import AuditEvent
from crm.discounts import services
from crm.discounts.models import DiscountRule, DiscountRuleVersion
from crm.discounts.tests.conftest import LONG_AGO, MESSAGE, make_rule, version_of

TERMS = {
    "name": "Логистика до 500 млн",
    "turnover_to_amount": Decimal("500000000"),
    "max_discount_rate": Decimal("0.15"),
    "message": MESSAGE,
    "starts_on": LONG_AGO,
}


def _counts() -> tuple[int, int, int]:
    return DiscountRule.objects.count(), DiscountRuleVersion.objects.count(), AuditEvent.objects.count()


def test_create_writes_version_one_and_one_event(head, logistics):
    rule = services.create_rule(actor=head, data=TERMS | {"industries": [logistics], "segments": ["small", "micro"]})
    version = version_of(rule)
    assert (rule.name, rule.is_active, rule.created_by) == ("Логистика до 500 млн", True, head)
    assert (version.number, version.max_discount_rate, version.turnover_to_amount) == (
        1,
        Decimal("0.1500"),
        Decimal("500000000.00"),
    )
    assert (version.segments, list(version.industries.all()), version.author) == (["micro", "small"], [logistics], head)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject_type, event.subject_id) == (
        "discount_rule.created",
        head,
        "discounts.discountrule",
        str(rule.pk),
    )
    assert event.changes == {
        "name": [None, "Логистика до 500 млн"],
        "turnover_to_amount": [None, "500000000.00"],
        "segments": [None, ["micro", "small"]],
        "strategic": [None, "any"],
        "max_discount_rate": [None, "0.1500"],
        "message": [None, MESSAGE],
        "starts_on": [None, "2020-01-01"],
        "industries": [None, ["Логистика и грузоперевозки"]],
        "version": [None, 1],
        "version_id": [None, version.pk],
    }


@pytest.mark.parametrize("role_fixture", ["senior_a", "manager_a", "underwriter", "administrator"])
def test_only_the_head_writes_rules(request, head, role_fixture):
    person = request.getfixturevalue(role_fixture)
    rule = make_rule(head)
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.create_rule(actor=person, data=TERMS | {"name": "Другое"})
    with pytest.raises(PermissionDenied):
        services.change_rule(actor=person, rule=rule, data=TERMS | {"max_discount_rate": Decimal("0.3")})
    with pytest.raises(PermissionDenied):
        services.set_rule_active(actor=person, rule=rule, is_active=False)
    assert _counts() == before
    rule.refresh_from_db()
    assert rule.is_active


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": "  "}, {"name": ["Назовите правило."]}),
        ({"name": "Л" * 201}, {"name": ["Название длиннее 200 символов."]}),
        ({"strategic": "maybe"}, {"strategic": ["Неизвестное значение."]}),
        ({"max_discount_rate": None}, {"max_discount_rate": ["Укажите максимальную скидку."]}),
        ({"max_discount_rate": Decimal("1")}, {"max_discount_rate": ["Максимальная скидка — от 0 до 99,99 %."]}),
        ({"message": " "}, {"message": ["Напишите сообщение, которое увидит менеджер."]}),
        ({"starts_on": None}, {"starts_on": ["Укажите дату начала действия."]}),
        ({"ends_on": datetime.date(2019, 12, 31)}, {"ends_on": ["Дата окончания раньше даты начала."]}),
        (
            {"turnover_from_amount": Decimal("500000000")},
            {"turnover_to_amount": ["Верхняя граница оборота должна быть больше нижней."]},
        ),
        ({"turnover_from_amount": Decimal("-1")}, {"turnover_from_amount": ["Оборот не может быть отрицательным."]}),
        ({"segments": ["huge"]}, {"segments": ["Неизвестный сегмент."]}),
    ],
)
def test_bad_terms_save_nothing(head, changes, errors):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        services.create_rule(actor=head, data=TERMS | changes)
    assert error.value.message_dict == errors
    assert _counts() == before


def test_names_are_unique_in_any_letter_case(head):
    make_rule(head, "Логистика до 500 млн")
    with pytest.raises(ValidationError) as error:
        services.create_rule(actor=head, data=TERMS | {"name": "логистика ДО 500 млн"})
    assert error.value.message_dict == {"name": ["Правило с таким названием уже есть."]}


def test_edit_writes_the_next_version_and_keeps_the_old_one(head, logistics):
    rule = make_rule(head, industries=[logistics], turnover_to_amount=Decimal("500000000"))
    first = version_of(rule)
    events = AuditEvent.objects.count()
    second = services.change_rule(
        actor=head,
        rule=rule,
        data=TERMS
        | {"name": "Логистика: не более 10 %", "industries": [logistics], "max_discount_rate": Decimal("0.1")},
    )
    rule.refresh_from_db()
    first.refresh_from_db()
    assert (rule.name, second.number, second.max_discount_rate) == ("Логистика: не более 10 %", 2, Decimal("0.1000"))
    assert (first.number, first.max_discount_rate) == (1, Decimal("0.1500"))
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "discount_rule.changed"
    assert event.changes == {
        "name": ["Логистика до 500 млн", "Логистика: не более 10 %"],
        "max_discount_rate": ["0.1500", "0.1000"],
        "version": [1, 2],
        "version_id": [first.pk, second.pk],
    }


def test_an_edit_that_changes_nothing_writes_nothing(head, logistics):
    rule = make_rule(head, industries=[logistics], turnover_to_amount=Decimal("500000000"))
    before = _counts()
    same = services.change_rule(
        actor=head, rule=rule, data=TERMS | {"industries": [logistics], "max_discount_rate": Decimal("0.150")}
    )
    assert same == version_of(rule)
    assert _counts() == before


def test_a_bad_edit_saves_nothing(head):
    rule = make_rule(head)
    before = _counts()
    with pytest.raises(ValidationError):
        services.change_rule(actor=head, rule=rule, data=TERMS | {"max_discount_rate": Decimal("2")})
    assert _counts() == before
    assert version_of(rule).number == 1


def test_deactivate_and_activate_are_audited(head):
    rule = make_rule(head)
    version = version_of(rule)
    services.set_rule_active(actor=head, rule=rule, is_active=False)
    rule.refresh_from_db()
    assert (rule.is_active, rule.deactivated_at is not None) == (False, True)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.changes) == (
        "discount_rule.deactivated",
        {"is_active": [True, False], "version_id": [version.pk, version.pk]},
    )
    with pytest.raises(ValidationError) as error:
        services.set_rule_active(actor=head, rule=rule, is_active=False)
    assert error.value.messages == ["Правило «Логистика до 500 млн» уже отключено."]
    services.set_rule_active(actor=head, rule=rule, is_active=True)
    rule.refresh_from_db()
    assert (rule.is_active, rule.deactivated_at) == (True, None)
    assert AuditEvent.objects.latest("id").action == "discount_rule.activated"
