"""Use cases of clients: each validates, writes in one transaction and records one audit event.

Callers decide access first (`crm.clients.access`); these functions enforce the business rules, among
them that a client's manager is someone the actor may assign.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.audit.services import diff, record_event
from crm.clients.access import may_create_clients
from crm.clients.models import Client, Consent, Contact
from crm.clients.queries import ClientEvent
from crm.core.periods import today
from crm.core.roles import Role
from crm.org.access import assignable_managers
from crm.org.models import User

CLIENT_FIELDS = (
    "name", "short_name", "inn", "kpp", "ogrn", "industry", "turnover_amount", "headcount", "region",
    "branch_count", "significance", "is_strategic", "manager", "lead_source", "address",
)  # fmt: skip
CONTACT_FIELDS = ("full_name", "position", "phone", "email", "is_decision_maker")
CONSENT_FIELDS = ("contact", "purpose", "given_on", "document")


@transaction.atomic
def create_client(fields: Mapping[str, Any], *, actor: User) -> Client:
    """Register a new client owned by a manager the actor may assign."""
    if not may_create_clients(actor):
        raise PermissionDenied
    _require_known(fields, CLIENT_FIELDS)
    client = Client(**fields, created_at=timezone.now())
    _validate_client(client, actor=actor, check_manager=True)
    _save_client(client)
    record_event(actor=actor, action=ClientEvent.CREATED, subject=client, changes=_created(client, CLIENT_FIELDS))
    return client


@transaction.atomic
def update_client(client: Client, changes: Mapping[str, Any], *, actor: User) -> Client:
    """Change the client's requisites (a new manager must be one the actor may assign); returns it saved."""
    _require_known(changes, CLIENT_FIELDS)
    client = _locked_client(client.pk)
    before = _state(client, CLIENT_FIELDS)
    old_manager_id = client.manager_id
    for name, value in changes.items():
        setattr(client, name, value)
    _validate_client(client, actor=actor, check_manager=client.manager_id != old_manager_id)
    changed = _changes(before, _state(client, CLIENT_FIELDS))
    if changed:
        _save_client(client)
        record_event(actor=actor, action=ClientEvent.UPDATED, subject=client, changes=changed)
    return client


@transaction.atomic
def reassign_client_manager(client: Client, *, actor: User, manager: User) -> Client:
    """Hand the client over to another manager within the actor's reach."""
    client = _locked_client(client.pk)
    if manager.pk == client.manager_id:
        raise ValidationError({"manager": _("Клиент уже закреплён за этим менеджером.")})
    before = _state(client, ["manager"])
    client.manager = manager
    _validate_client(client, actor=actor, check_manager=True)
    client.save(update_fields=["manager"])
    changes = _changes(before, _state(client, ["manager"]))
    record_event(actor=actor, action=ClientEvent.MANAGER_REASSIGNED, subject=client, changes=changes)
    return client


@transaction.atomic
def add_contact(client: Client, fields: Mapping[str, Any], *, actor: User) -> Contact:
    """Add a person at the client."""
    _require_known(fields, CONTACT_FIELDS)
    contact = Contact(client=client, **fields)
    contact.full_clean()
    contact.save()
    changes = {"contact_id": contact.pk, **_created(contact, CONTACT_FIELDS)}
    record_event(actor=actor, action=ClientEvent.CONTACT_ADDED, subject=client, changes=changes)
    return contact


@transaction.atomic
def update_contact(contact: Contact, changes: Mapping[str, Any], *, actor: User) -> Contact:
    """Change a contact's details; returns it saved."""
    _require_known(changes, CONTACT_FIELDS)
    contact = Contact.objects.select_related("client").select_for_update(of=("self",)).get(pk=contact.pk)
    before = _state(contact, CONTACT_FIELDS)
    for name, value in changes.items():
        setattr(contact, name, value)
    contact.full_clean()
    changed = _changes(before, _state(contact, CONTACT_FIELDS))
    if changed:
        contact.save()
        event_changes = {"contact_id": contact.pk, **changed}
        record_event(actor=actor, action=ClientEvent.CONTACT_UPDATED, subject=contact.client, changes=event_changes)
    return contact


@transaction.atomic
def record_consent(client: Client, fields: Mapping[str, Any], *, actor: User) -> Consent:
    """Record a 152-ФЗ consent to personal-data processing given by the client or one of its contacts."""
    _require_known(fields, CONSENT_FIELDS)
    consent = Consent(client=client, **fields)
    errors = _collect(consent.full_clean)
    if consent.contact is not None and consent.contact.client_id != client.pk:
        errors.setdefault("contact", []).append(_("Это контактное лицо другого клиента."))
    if consent.given_on and consent.given_on > today():
        errors.setdefault("given_on", []).append(_("Дата согласия не может быть позже сегодняшнего дня."))
    if errors:
        raise ValidationError(errors)
    consent.save()
    changes = {"consent_id": consent.pk, **_created(consent, CONSENT_FIELDS)}
    record_event(actor=actor, action=ClientEvent.CONSENT_RECORDED, subject=client, changes=changes)
    return consent


@transaction.atomic
def withdraw_consent(consent: Consent, *, actor: User, withdrawn_on: datetime.date) -> Consent:
    """End a consent from the date the subject withdrew it; personal data may no longer be processed."""
    consent = Consent.objects.select_related("client").select_for_update(of=("self",)).get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        message = _("Согласие уже отозвано %(date)s.") % {"date": f"{consent.withdrawn_on:%d.%m.%Y}"}
        raise ValidationError({"withdrawn_on": message})
    if withdrawn_on < consent.given_on:
        message = _("Дата отзыва не может быть раньше даты согласия (%(date)s).")
        raise ValidationError({"withdrawn_on": message % {"date": f"{consent.given_on:%d.%m.%Y}"}})
    if withdrawn_on > today():
        raise ValidationError({"withdrawn_on": _("Дата отзыва не может быть позже сегодняшнего дня.")})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    changes = {"consent_id": consent.pk, "withdrawn_on": [None, withdrawn_on]}
    record_event(actor=actor, action=ClientEvent.CONSENT_WITHDRAWN, subject=consent.client, changes=changes)
    return consent


def _require_known(fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")


def _locked_client(pk: int) -> Client:
    # The related rows are read for the audit labels; only the client row is locked (PostgreSQL refuses
    # FOR UPDATE on the nullable side of an outer join).
    related = ("manager", "industry", "region", "lead_source")
    return Client.objects.select_related(*related).select_for_update(of=("self",)).get(pk=pk)


def _collect(validate: Any) -> dict[str, list[Any]]:
    try:
        validate()
    except ValidationError as exc:
        return exc.update_error_dict({})
    return {}


def _validate_client(client: Client, *, actor: User, check_manager: bool) -> None:
    """Model validation plus the rule that the actor may assign the client's manager; all errors at once."""
    errors = _collect(client.full_clean)
    needs_check = check_manager and client.manager_id is not None and "manager" not in errors
    if needs_check and client.manager_id not in {user.pk for user in assignable_managers(actor)}:
        errors["manager"] = [_manager_not_assignable_message(actor)]
    if errors:
        raise ValidationError(errors)


def _manager_not_assignable_message(actor: User) -> str:
    if actor.role == Role.HEAD_OF_SALES:
        return _("Ответственным можно назначить только действующего менеджера или старшего менеджера.")
    if actor.role == Role.SENIOR_MANAGER:
        return _("Ответственным можно назначить только себя или менеджера своей команды.")
    return _("Менеджер может вести только своих клиентов — назначьте себя.")


def _save_client(client: Client) -> None:
    # full_clean() checked the ИНН is unique, but a concurrent request may have taken it since.
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as exc:
        raise ValidationError({"inn": _("Клиент с таким ИНН уже существует.")}) from exc


def _state(instance: models.Model, fields: Iterable[str]) -> dict[str, tuple[Any, Any]]:
    """Per field: the value to compare (related records by key) and the value the journal keeps (by name)."""
    state = {}
    for name in fields:
        model_field = instance._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        raw = getattr(instance, model_field.attname)
        shown = getattr(instance, name)
        state[name] = (raw, str(shown) if isinstance(shown, models.Model) else shown)
    return state


def _changes(before: dict[str, tuple[Any, Any]], after: dict[str, tuple[Any, Any]]) -> dict[str, list[Any]]:
    """Old → new of the fields whose value changed, as the audit journal keeps them."""
    changed = diff({name: raw for name, (raw, _shown) in before.items()}, {n: raw for n, (raw, _s) in after.items()})
    return {name: [before[name][1], after[name][1]] for name in changed}


def _created(instance: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    """None → value for every filled field of a new record."""
    return {name: [None, shown] for name, (raw, shown) in _state(instance, fields).items() if raw not in (None, "")}
