"""Use cases of the funnel: open, edit, move and close a deal.

Each function is one business action: it validates, runs in one transaction, locks the deal row it
changes, and writes exactly one audit event (old → new). Validation problems raise ValidationError
keyed by the form field they concern; a closed deal refuses every change with a message saying why.

Discounts (requested and granted) obey the head's discount rules (crm.discounts): whenever a discount is
set — a rate changes, or the product changes under a discount — the rule in force decides; the version
that applied is recorded on the deal and in the audit event, and a rate above its maximum raises
`DiscountRuleViolation` (a ValidationError keyed by the rate's field) and leaves the deal unchanged.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.audit.services import diff, record_event
from crm.clients.access import get_client_for
from crm.clients.models import Client
from crm.core.money import to_money
from crm.core.periods import today
from crm.discounts.services import enforce_discount_rules
from crm.org.access import assignable_managers
from crm.org.models import User
from crm.pipeline.access import deals_visible_to, may_write_deals
from crm.pipeline.models import Deal, DealStatus, LostReason, Stage
from crm.pipeline.signals import deal_terms_changed  # approvals hook (crm.approvals.apps)

DISCOUNT_FIELDS = ("requested_discount_rate", "granted_discount_rate")
EDITABLE_FIELDS = (
    "title",
    "product",
    "manager",
    "amount",
    "probability",
    "expected_close_on",
    "kind",
    "lead_source",
    *DISCOUNT_FIELDS,
)
CREATE_FIELDS = ("client", "stage", *EDITABLE_FIELDS)
AUDITED_FIELDS = (*CREATE_FIELDS, "status", "closed_on", "lost_reason", "lost_reason_text", "discount_rule_version")
RATE_SCALE = Decimal("0.0001")
LOCK_RELATED = ("client", "product", "manager", "stage", "lead_source")


def _audit_value(value: Any) -> Any:
    return str(value) if isinstance(value, Model) else value


def _snapshot(deal: Deal) -> dict[str, Any]:
    """The audited values; decimals at the column's scale, so 1500000 and 1500000.00 are one value."""
    values = {name: _audit_value(getattr(deal, name)) for name in AUDITED_FIELDS}
    if values["amount"] is not None:
        values["amount"] = to_money(values["amount"])
    for name in ("probability", *DISCOUNT_FIELDS):
        if values[name] is not None:
            values[name] = Decimal(values[name]).quantize(RATE_SCALE)
    values["discount_rule_version"] = deal.discount_rule_version_id
    values["requested_risks"] = sorted(str(risk) for risk in deal.requested_risks.all())
    return values


def _lock(actor: User, deal: Deal) -> Deal:
    """Re-read the deal under a row lock, re-checking that the actor may still change it."""
    if not may_write_deals(actor):
        raise Deal.DoesNotExist(f"Deal {deal.pk} not found")
    locked = deals_visible_to(actor).select_for_update(of=("self",)).select_related(*LOCK_RELATED)
    return locked.get(pk=deal.pk)


def _ensure_open(deal: Deal, refused: str) -> None:
    if deal.status != DealStatus.OPEN:
        closed_on = deal.closed_on.strftime("%d.%m.%Y") if deal.closed_on else ""
        outcome = f"{deal.get_status_display().lower()} {closed_on}".strip()
        raise ValidationError(
            _("Сделка уже закрыта (%(outcome)s) — %(refused)s.") % {"outcome": outcome, "refused": refused}
        )


def _check_manager(actor: User, manager: User | None, errors: dict[str, str]) -> None:
    if manager is None:
        errors["manager"] = _("Выберите менеджера.")
    elif manager.pk not in {person.pk for person in assignable_managers(actor)}:
        errors["manager"] = _("Вы не можете назначить сделку этому менеджеру.")


def _check_product(product: Any, errors: dict[str, str]) -> None:
    if product is not None and not product.is_active:
        errors["product"] = _("Продукт «%(name)s» больше не продаётся.") % {"name": product}


def _full_clean(deal: Deal, errors: dict[str, str]) -> None:
    """Model-level rules (amount ≥ 0, probability within 0…1, required fields) joined to the service's own."""
    try:
        deal.full_clean(exclude=list(errors))
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages[0])
    if errors:
        raise ValidationError(errors)


def _check_new_deal(actor: User, data: Mapping[str, Any], errors: dict[str, str]) -> None:
    client = data.get("client")
    if client is None:
        errors["client"] = _("Выберите клиента.")
    else:
        try:
            get_client_for(actor, client.pk, write=True)
        except Client.DoesNotExist:
            errors["client"] = _("Клиент не найден или недоступен вам.")
    stage = data.get("stage")
    if stage is not None and not stage.is_active:
        errors["stage"] = _("Этап «%(name)s» больше не используется.") % {"name": stage}
    _check_product(data.get("product"), errors)


def _default_manager(actor: User, data: Mapping[str, Any]) -> User | None:
    """The client's manager when the actor may assign them, else the actor; an explicit choice wins."""
    if data.get("manager") is not None:
        return data["manager"]
    client_manager = data["client"].manager if data.get("client") is not None else None
    allowed = {person.pk for person in assignable_managers(actor)}
    return client_manager if client_manager is not None and client_manager.pk in allowed else actor


def create_deal(*, actor: User, data: Mapping[str, Any]) -> Deal:
    """Open a deal for a client the actor may work with; audited as `deal.created`."""
    if not may_write_deals(actor):
        raise ValidationError(_("У вас нет права открывать сделки."))
    with transaction.atomic():
        errors: dict[str, str] = {}
        _check_new_deal(actor, data, errors)
        fields = {name: data[name] for name in CREATE_FIELDS if data.get(name) is not None}
        fields["manager"] = _default_manager(actor, data)
        fields.setdefault("stage", Stage.objects.filter(is_active=True).order_by("position").first())
        _check_manager(actor, fields["manager"], errors)
        now = timezone.now()
        deal = Deal(**fields, status=DealStatus.OPEN, created_at=now, updated_at=now)
        _full_clean(deal, errors)
        _decide_discount(deal)
        deal.save()
        deal.requested_risks.set(_as_list(data.get("requested_risks")))
        filled = {name: value for name, value in _snapshot(deal).items() if value not in (None, "", [])}
        record_event(actor=actor, action="deal.created", subject=deal, changes=diff({}, filled))
    return deal


def _decide_discount(deal: Deal) -> None:
    """Record the discount rule version that decides the deal's discounts; DiscountRuleViolation above its maximum."""
    rates = {name: getattr(deal, name) for name in DISCOUNT_FIELDS}
    deal.discount_rule_version = enforce_discount_rules(
        client=deal.client, product=deal.product, rates=rates, on_date=today()
    )


def _discount_terms(deal: Deal) -> tuple[Any, ...]:
    return (deal.product_id, *(getattr(deal, name) for name in DISCOUNT_FIELDS))


def _discount_set_again(before: tuple[Any, ...], deal: Deal) -> bool:
    """A rate changed, or the product (and so perhaps the line a rule covers) changed under a discount."""
    product_id, *rates = before
    if rates != [getattr(deal, name) for name in DISCOUNT_FIELDS]:
        return True
    return product_id != deal.product_id and any(rate is not None for rate in rates)


def _apply_changes(actor: User, deal: Deal, changes: Mapping[str, Any], errors: dict[str, str]) -> None:
    for name in EDITABLE_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if name == "title":
            value = value or ""
        if name == "manager" and getattr(value, "pk", None) != deal.manager_id:
            _check_manager(actor, value, errors)
        if name == "product" and getattr(value, "pk", None) != deal.product_id:
            _check_product(value, errors)
        setattr(deal, name, value)


def update_deal(*, actor: User, deal: Deal, changes: Mapping[str, Any]) -> Deal:
    """Change an open deal's terms (not its stage or outcome); audited as `deal.updated` with old → new.

    A discount set again is decided by the discount rules (see the module docstring).
    """
    with transaction.atomic():
        locked = _lock(actor, deal)
        _ensure_open(locked, _("изменять её нельзя"))
        before = _snapshot(locked)
        discount_before = _discount_terms(locked)
        errors: dict[str, str] = {}
        _apply_changes(actor, locked, changes, errors)
        _full_clean(locked, errors)
        if _discount_set_again(discount_before, locked):
            _decide_discount(locked)
        if "requested_risks" in changes:
            locked.requested_risks.set(_as_list(changes["requested_risks"]))
        changed = diff(before, _snapshot(locked))
        if not changed:
            return locked
        locked.updated_at = timezone.now()
        locked.save()
        record_event(actor=actor, action="deal.updated", subject=locked, changes=changed)
        # --- approvals hook: terms changed after approval are flagged by receivers, in this transaction ---
        deal_terms_changed.send(sender=Deal, deal=locked, actor=actor, changes=changed)
    return locked


def _as_list(values: Iterable[Any] | None) -> list[Any]:
    return list(values or [])


def move_deal_to_stage(*, actor: User, deal: Deal, stage: Stage | None) -> Deal:
    """Move an open deal to another active stage; audited as `deal.moved` with the old and new stage."""
    with transaction.atomic():
        locked = _lock(actor, deal)
        _ensure_open(locked, _("перемещать по воронке можно только открытую сделку"))
        if stage is None:
            raise ValidationError({"stage": _("Выберите этап.")})
        if not stage.is_active:
            raise ValidationError({"stage": _("Этап «%(name)s» больше не используется.") % {"name": stage}})
        if stage.pk == locked.stage_id:
            raise ValidationError({"stage": _("Сделка уже на этапе «%(name)s».") % {"name": stage}})
        old_stage = locked.stage
        locked.stage = stage
        locked.updated_at = timezone.now()
        locked.save(update_fields=["stage", "updated_at"])
        changes = {"stage": [str(old_stage), str(stage)]}
        record_event(actor=actor, action="deal.moved", subject=locked, changes=changes)
    return locked


def _closing_date(closed_on: datetime.date | None) -> datetime.date:
    closed_on = closed_on or today()
    if closed_on > today():
        raise ValidationError({"closed_on": _("Дата закрытия не может быть в будущем.")})
    return closed_on


def close_deal_won(*, actor: User, deal: Deal, closed_on: datetime.date | None = None) -> Deal:
    """Close an open deal as won on `closed_on` (today by default); audited as `deal.won`."""
    with transaction.atomic():
        locked = _lock(actor, deal)
        _ensure_open(locked, _("повторно закрыть её нельзя"))
        before = _snapshot(locked)
        locked.status = DealStatus.WON
        locked.closed_on = _closing_date(closed_on)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "closed_on", "updated_at"])
        record_event(actor=actor, action="deal.won", subject=locked, changes=diff(before, _snapshot(locked)))
    return locked


def _check_lost_reason(lost_reason: str, lost_reason_text: str) -> None:
    if not lost_reason:
        raise ValidationError({"lost_reason": _("Укажите причину проигрыша.")})
    if lost_reason not in LostReason.values:
        raise ValidationError({"lost_reason": _("Неизвестная причина проигрыша.")})
    if lost_reason == LostReason.OTHER and not lost_reason_text.strip():
        raise ValidationError({"lost_reason_text": _("Для причины «Другое» опишите, почему сделка проиграна.")})


def close_deal_lost(
    *, actor: User, deal: Deal, lost_reason: str, lost_reason_text: str = "", closed_on: datetime.date | None = None
) -> Deal:
    """Close an open deal as lost with a reason (text required for «Другое»); audited as `deal.lost`."""
    with transaction.atomic():
        locked = _lock(actor, deal)
        _ensure_open(locked, _("повторно закрыть её нельзя"))
        _check_lost_reason(lost_reason, lost_reason_text or "")
        before = _snapshot(locked)
        locked.status = DealStatus.LOST
        locked.closed_on = _closing_date(closed_on)
        locked.lost_reason = lost_reason
        locked.lost_reason_text = (lost_reason_text or "").strip()
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "closed_on", "lost_reason", "lost_reason_text", "updated_at"])
        record_event(actor=actor, action="deal.lost", subject=locked, changes=diff(before, _snapshot(locked)))
    return locked
