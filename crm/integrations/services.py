"""Use cases of integration accounts: create an account, issue and revoke tokens, switch an account on or off,
and recognise a presented token. Every change is audited; the token itself is never stored or audited.
"""

import datetime
import hmac
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from crm.audit.services import record_event
from crm.core.roles import Role
from crm.integrations.models import (
    SOURCE_KINDS,
    IntegrationAccount,
    IntegrationToken,
    SourceSystem,
    hash_token,
    new_token_secret,
    prefix_of,
)
from crm.org.models import User

LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _technical_username(name: str) -> str:
    base = f"api-{slugify(name, allow_unicode=True)[:40] or 'account'}"
    username, number = base, 1
    while User.objects.filter(username=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


def _check_account(name: str, source_system: str, scopes: list[str]) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Укажите название.")
    elif IntegrationAccount.objects.filter(name=name.strip()).exists():
        errors["name"] = _("Учётная запись с таким названием уже есть.")
    if source_system not in SourceSystem.values:
        errors["source_system"] = _("Выберите систему-источник.")
    elif not scopes:
        errors["scopes"] = _("Отметьте, что учётная запись может записывать.")
    elif not set(scopes) <= set(SOURCE_KINDS[source_system]):
        errors["scopes"] = _("Эта система может записывать только свои данные.")
    if errors:
        raise ValidationError(errors)


def create_account(*, actor: Any, name: str, source_system: str, scopes: Iterable[str]) -> IntegrationAccount:
    """Register a feeding system with the kinds of records it may write; audited."""
    scope_list = sorted(set(scopes))
    _check_account(name, source_system, scope_list)
    with transaction.atomic():
        user = User(
            username=_technical_username(name),
            last_name=_("Интеграция «%(name)s»") % {"name": name.strip()},
            role=Role.ADMINISTRATOR,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        account = IntegrationAccount.objects.create(
            name=name.strip(),
            source_system=source_system,
            scopes=scope_list,
            user=user,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        changes = {"name": [None, account.name], "source_system": [None, source_system], "scopes": [None, scope_list],
                   "user": [None, user.username]}  # fmt: skip
        record_event(actor=actor, action="integration.account_created", subject=account, changes=changes)
    return account


def set_account_active(*, actor: Any, account: IntegrationAccount, is_active: bool) -> IntegrationAccount:
    """Switch an account off (its tokens stop working at once) or on again; audited when it changes."""
    with transaction.atomic():
        locked = IntegrationAccount.objects.select_for_update().get(pk=account.pk)
        if locked.is_active != is_active:
            locked.is_active = is_active
            locked.save(update_fields=["is_active"])
            changes = {"is_active": [not is_active, is_active]}
            record_event(actor=actor, action="integration.account_changed", subject=locked, changes=changes)
    return locked


def issue_token(*, actor: Any, account: IntegrationAccount) -> tuple[IntegrationToken, str]:
    """A new token for the account; the secret is returned once and only its hash is stored."""
    secret, prefix = new_token_secret()
    with transaction.atomic():
        locked = IntegrationAccount.objects.select_for_update().get(pk=account.pk)
        if not locked.is_active:
            raise ValidationError(_("Учётная запись отключена — сначала включите её."))
        token = IntegrationToken.objects.create(
            account=locked,
            prefix=prefix,
            token_hash=hash_token(secret),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        changes = {"token": [None, str(token)]}
        record_event(actor=actor, action="integration.token_issued", subject=locked, changes=changes)
    return token, secret


def revoke_token(*, actor: Any, token: IntegrationToken) -> IntegrationToken:
    """Revoke a token for good; revoking it again changes nothing."""
    with transaction.atomic():
        locked = IntegrationToken.objects.select_for_update().select_related("account").get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            changes = {"token": [str(locked), None], "revoked_at": [None, locked.revoked_at]}
            record_event(actor=actor, action="integration.token_revoked", subject=locked.account, changes=changes)
    return locked


def token_for(presented: str) -> IntegrationToken | None:
    """The live token of an active account matching `presented`, else None; notes when it was last used."""
    prefix = prefix_of(presented)
    if prefix is None:
        return None
    token = (
        IntegrationToken.objects.select_related("account", "account__user")
        .filter(prefix=prefix, revoked_at__isnull=True, account__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(presented)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
