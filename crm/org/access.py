"""Who may see and change the records owned by sales people.

A manager sees what they own, a senior manager what their team owns, the head of sales everything.
Other departments see only what is addressed or shared to them, decided in each app's `access.py`.
"""

from django.db.models import Q

from crm.core.roles import Role
from crm.org.models import User

SEES_ALL_SALES = frozenset({Role.HEAD_OF_SALES})


def sales_scope_q(user: User, owner_field: str = "manager") -> Q | None:
    """A filter for records whose owner the user may see; None means no restriction.

    Returns a filter matching nothing for roles that see no sales records by ownership.
    """
    if user.role in SEES_ALL_SALES:
        return None
    if user.role == Role.SENIOR_MANAGER:
        return Q(**{owner_field: user}) | Q(**{f"{owner_field}__team__lead": user})
    if user.role == Role.MANAGER:
        return Q(**{owner_field: user})
    return Q(pk__in=[])


def may_write_sales_records(user: User) -> bool:
    """Only the sales hierarchy edits clients and deals; other departments at most read what is shared."""
    return user.is_active and user.role in {Role.HEAD_OF_SALES, Role.SENIOR_MANAGER, Role.MANAGER}


def assignable_managers(user: User) -> list[User]:
    """The people a user may make the owner of a client or deal."""
    base = User.objects.filter(is_active=True, role__in=[Role.MANAGER, Role.SENIOR_MANAGER]).select_related("team")
    if user.role == Role.HEAD_OF_SALES:
        return list(base)
    if user.role == Role.SENIOR_MANAGER:
        return list(base.filter(Q(team__lead=user) | Q(pk=user.pk)))
    return [user]
