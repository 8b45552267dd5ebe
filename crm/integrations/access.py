"""Who manages integration accounts and tokens: administrators only (tokens are keys to write money data)."""

from typing import Any

from django.core.exceptions import PermissionDenied

from crm.core.roles import Role
from crm.integrations.models import IntegrationAccount, IntegrationToken

MANAGER_ROLES = frozenset({Role.ADMINISTRATOR})


def may_manage_integrations(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.role in MANAGER_ROLES or user.is_superuser))


def require_integrations_manager(user: Any) -> None:
    if not may_manage_integrations(user):
        raise PermissionDenied


def get_account_for(user: Any, pk: int) -> IntegrationAccount:
    """The account if `user` manages integrations; `IntegrationAccount.DoesNotExist` otherwise."""
    if not may_manage_integrations(user):
        raise IntegrationAccount.DoesNotExist
    return IntegrationAccount.objects.select_related("user", "created_by").get(pk=pk)


def get_token_for(user: Any, account: IntegrationAccount, pk: int) -> IntegrationToken:
    """A token of the account, for someone who manages integrations; `DoesNotExist` otherwise."""
    if not may_manage_integrations(user):
        raise IntegrationToken.DoesNotExist
    return IntegrationToken.objects.get(pk=pk, account=account)
