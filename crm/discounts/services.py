"""Discount rules: which rule applies to a discount, the check other apps call, and the head's edits of rules.

Matching (`applicable_rule`): among the versions in force on the date (the latest version of each active
rule whose dates include it) whose conditions match the client and the product's line, the strictest
applies — the lowest maximum; on a tie, the rule created first (lowest id). `enforce_discount_rules` is
what every place that sets a discount calls (deal services, the API through them, imports): it returns the
version that applied, to be recorded with the decision, or raises `DiscountRuleViolation`.

Writing rules is for the head of sales only. Creating a rule writes version 1; an edit writes a new
version (the old ones stay, the deals keep the version they recorded); deactivation is a flag. Each is one
transaction with one audit event on the rule (`discount_rule.created`, `.changed`, `.deactivated`,
`.activated`) naming the version id.
"""

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.audit.services import diff, record_event
from crm.catalog.models import Product
from crm.clients.models import Client, Segment
from crm.core.money import to_money
from crm.discounts.access import may_edit_rules
from crm.discounts.models import DiscountRule, DiscountRuleVersion, StrategicCondition, rate_text
from crm.discounts.queries import versions_in_force
from crm.org.models import User

RATE_SCALE = Decimal("0.0001")
NAME_LENGTH = DiscountRule._meta.get_field("name").max_length or 200
TERM_FIELDS = (
    "turnover_from_amount",
    "turnover_to_amount",
    "segments",
    "strategic",
    "max_discount_rate",
    "message",
    "starts_on",
    "ends_on",
)
M2M_FIELDS = ("industries", "regions", "product_lines")


def violation_message(version: DiscountRuleVersion, rate: Decimal, client: Client | None = None) -> str:
    """«Скидка 18 % превышает максимум 15 % по правилу «…»: <message>» (+ which card fields are missing)."""
    text = _("Скидка %(rate)s превышает максимум %(max)s по правилу «%(rule)s»: %(message)s") % {
        "rate": rate_text(rate),
        "max": rate_text(version.max_discount_rate),
        "rule": version.rule.name,
        "message": version.message,
    }
    unknown = version.conditions().unknown_attributes(client) if client is not None else []
    if unknown:
        note = _("В карточке клиента не указано: %(fields)s — правило применяется, пока данные не заполнены.")
        text = f"{text} {note % {'fields': ', '.join(unknown)}}"
    return text


class DiscountRuleViolation(ValidationError):
    """A discount above the maximum of the rule in force; carries the version broken and the rates per field.

    `violations` maps the field that carried the discount (e.g. `granted_discount_rate`, or `__all__`) to
    its rate; the error's messages are keyed the same way, so forms show them on the field.
    """

    def __init__(
        self, version: DiscountRuleVersion, violations: Mapping[str, Decimal], *, client: Client | None = None
    ) -> None:
        self.version = version
        self.violations = dict(violations)
        self.messages_by_field = {name: violation_message(version, rate, client) for name, rate in violations.items()}
        super().__init__({name: [text] for name, text in self.messages_by_field.items()}, code="discount_rule")

    @property
    def text(self) -> str:
        """The first message (one rule, usually one rate): what the API and the import report say."""
        return next(iter(self.messages_by_field.values()))


def applicable_rule(*, client: Client, product: Product, on_date: datetime.date) -> DiscountRuleVersion | None:
    """The strictest rule version in force on `on_date` whose conditions match the client and the product's line."""
    matching = [
        version
        for version in versions_in_force(on_date)
        if version.conditions().matches(client, product.product_line_id)
    ]
    return min(matching, key=lambda version: (version.max_discount_rate, version.rule_id), default=None)


def check_discount(
    *, client: Client, product: Product, rate: Decimal, on_date: datetime.date
) -> DiscountRuleVersion | None:
    """The rule version the discount `rate` would break (rate above its maximum), or None when it passes."""
    version = applicable_rule(client=client, product=product, on_date=on_date)
    if version is not None and Decimal(rate) > version.max_discount_rate:
        return version
    return None


def enforce_discount_rules(
    *, client: Client, product: Product, rates: Mapping[str, Decimal | None], on_date: datetime.date
) -> DiscountRuleVersion | None:
    """The version that decides the discounts in `rates` (field → rate; None = no discount), to be recorded
    with the decision even when within the limit; DiscountRuleViolation naming every rate above it.

    No discount at all → None without looking for a rule.
    """
    set_rates = {name: Decimal(rate) for name, rate in rates.items() if rate is not None}
    if not set_rates:
        return None
    version = applicable_rule(client=client, product=product, on_date=on_date)
    if version is None:
        return None
    broken = {name: rate for name, rate in set_rates.items() if rate > version.max_discount_rate}
    if broken:
        raise DiscountRuleViolation(version, broken, client=client)
    return version


def _require_editor(actor: User) -> None:
    if not may_edit_rules(actor):
        raise PermissionDenied(_("Правила скидок устанавливает только начальник отдела продаж."))


def _check_terms(data: Mapping[str, Any], errors: dict[str, str]) -> None:
    """The rule's own sense checks, keyed by field (the model's validators run after them)."""
    low, high = data.get("turnover_from_amount"), data.get("turnover_to_amount")
    for name, amount in (("turnover_from_amount", low), ("turnover_to_amount", high)):
        if amount is not None and amount < 0:
            errors[name] = _("Оборот не может быть отрицательным.")
    if low is not None and high is not None and high <= low:
        errors["turnover_to_amount"] = _("Верхняя граница оборота должна быть больше нижней.")
    rate = data.get("max_discount_rate")
    if rate is None:
        errors["max_discount_rate"] = _("Укажите максимальную скидку.")
    elif not Decimal(0) <= rate < Decimal(1):
        errors["max_discount_rate"] = _("Максимальная скидка — от 0 до 99,99 %.")
    if not (data.get("message") or "").strip():
        errors["message"] = _("Напишите сообщение, которое увидит менеджер.")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on is None:
        errors["starts_on"] = _("Укажите дату начала действия.")
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("Дата окончания раньше даты начала.")
    unknown = set(data.get("segments") or []) - set(Segment.values)
    if unknown:
        errors["segments"] = _("Неизвестный сегмент.")
    if (data.get("strategic") or StrategicCondition.ANY) not in StrategicCondition.values:
        errors["strategic"] = _("Неизвестное значение.")


def _check_name(name: str, rule: DiscountRule | None, errors: dict[str, str]) -> str:
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Назовите правило.")
    elif len(name) > NAME_LENGTH:
        errors["name"] = _("Название длиннее %(limit)s символов.") % {"limit": NAME_LENGTH}
    else:
        # iregex, not iexact: SQLite's LIKE folds only ASCII letters (see crm.clients.models.ClientQuerySet.search).
        others = DiscountRule.objects.filter(name__iregex=f"^{re.escape(name)}$")
        if rule is not None:
            others = others.exclude(pk=rule.pk)
        if others.exists():
            errors["name"] = _("Правило с таким названием уже есть.")
    return name


def _terms(data: Mapping[str, Any]) -> dict[str, Any]:
    """A version's fields from input (or from a stored version), normalised as stored, so equal terms are equal."""
    terms: dict[str, Any] = {name: data.get(name) for name in TERM_FIELDS}
    terms["segments"] = sorted(set(terms["segments"] or []))
    terms["strategic"] = terms["strategic"] or StrategicCondition.ANY
    terms["message"] = (terms["message"] or "").strip()
    terms["max_discount_rate"] = Decimal(terms["max_discount_rate"]).quantize(RATE_SCALE)
    for name in ("turnover_from_amount", "turnover_to_amount"):
        if terms[name] is not None:
            terms[name] = to_money(terms[name])
    return terms


def _snapshot(name: str, terms: Mapping[str, Any], sets: Mapping[str, Any]) -> dict[str, Any]:
    """The audited terms: the name, the fields, and names (not ids) of the chosen industries, regions and lines."""
    return {
        "name": name,
        **terms,
        **{field: sorted(str(item) for item in sets.get(field) or []) for field in M2M_FIELDS},
    }


def _version_snapshot(rule: DiscountRule, version: DiscountRuleVersion) -> dict[str, Any]:
    stored = {name: getattr(version, name) for name in TERM_FIELDS}
    return _snapshot(rule.name, _terms(stored), {field: getattr(version, field).all() for field in M2M_FIELDS})


def _new_version(actor: User, rule: DiscountRule, number: int, data: Mapping[str, Any]) -> DiscountRuleVersion:
    version = DiscountRuleVersion(rule=rule, number=number, author=actor, created_at=timezone.now(), **_terms(data))
    version.full_clean(exclude=["rule", "author"])
    version.save()
    for name in M2M_FIELDS:
        getattr(version, name).set(list(data.get(name) or []))
    return version


def _validated(data: Mapping[str, Any], rule: DiscountRule | None) -> str:
    errors: dict[str, str] = {}
    name = _check_name(data.get("name", rule.name if rule else ""), rule, errors)
    _check_terms(data, errors)
    if errors:
        raise ValidationError(errors)
    return name


def _version_ids(before: DiscountRuleVersion | None, after: DiscountRuleVersion) -> dict[str, list[Any]]:
    return {
        "version": [getattr(before, "number", None), after.number],
        "version_id": [getattr(before, "pk", None), after.pk],
    }


def create_rule(*, actor: User, data: Mapping[str, Any]) -> DiscountRule:
    """A new rule with its version 1 (head of sales only); audited as `discount_rule.created`."""
    _require_editor(actor)
    name = _validated(data, None)
    with transaction.atomic():
        rule = DiscountRule.objects.create(name=name, created_by=actor, created_at=timezone.now())
        version = _new_version(actor, rule, 1, data)
        filled = {key: value for key, value in _snapshot(name, _terms(data), data).items() if value not in (None, [])}
        changes = diff({}, filled) | _version_ids(None, version)
        record_event(actor=actor, action="discount_rule.created", subject=rule, changes=changes)
    return rule


def _lock_rule(rule: DiscountRule) -> tuple[DiscountRule, DiscountRuleVersion]:
    locked = DiscountRule.objects.select_for_update().get(pk=rule.pk)
    current = locked.versions.order_by("-number").first()
    if current is None:
        raise ValidationError(_("У правила нет версий."))
    return locked, current


def change_rule(*, actor: User, rule: DiscountRule, data: Mapping[str, Any]) -> DiscountRuleVersion:
    """Save new terms as the rule's next version (the old one stays); audited as `discount_rule.changed`.

    Terms equal to the current version's change nothing and return the current version.
    """
    _require_editor(actor)
    name = _validated(data, rule)
    with transaction.atomic():
        locked, current = _lock_rule(rule)
        changes = diff(_version_snapshot(locked, current), _snapshot(name, _terms(data), data))
        if not changes:
            return current
        locked.name = name
        locked.save(update_fields=["name"])
        version = _new_version(actor, locked, current.number + 1, data)
        changes |= _version_ids(current, version)
        record_event(actor=actor, action="discount_rule.changed", subject=locked, changes=changes)
    return version


def set_rule_active(*, actor: User, rule: DiscountRule, is_active: bool) -> DiscountRule:
    """Switch a rule off (it stops applying at once) or back on; audited as `discount_rule.(de)activated`."""
    _require_editor(actor)
    with transaction.atomic():
        locked, current = _lock_rule(rule)
        if locked.is_active == is_active:
            state = _("уже действует") if is_active else _("уже отключено")
            raise ValidationError(_("Правило «%(name)s» %(state)s.") % {"name": locked.name, "state": state})
        locked.is_active = is_active
        locked.deactivated_at = None if is_active else timezone.now()
        locked.save(update_fields=["is_active", "deactivated_at"])
        action = "discount_rule.activated" if is_active else "discount_rule.deactivated"
        changes = {"is_active": [not is_active, is_active], "version_id": [current.pk, current.pk]}
        record_event(actor=actor, action=action, subject=locked, changes=changes)
    return locked
