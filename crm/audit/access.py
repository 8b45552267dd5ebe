"""Who may read the audit journal: the head of sales and administrators."""

from typing import Any

from django.core.exceptions import PermissionDenied

from crm.core.roles import Role

JOURNAL_ROLES = frozenset({Role.HEAD_OF_SALES, Role.ADMINISTRATOR})


def can_read_journal(user: Any) -> bool:
    return bool(user.is_authenticated and (user.role in JOURNAL_ROLES or user.is_superuser))


def require_journal_reader(user: Any) -> None:
    if not can_read_journal(user):
        raise PermissionDenied
