"""Who may see and write discount rules.

The head of sales writes the rules (create, edit → new version, deactivate, reactivate) and sees all of
them: inactive ones, the history of versions and the simulation. Senior managers and managers see,
read-only, the active rules, because those rules limit the discounts they offer. Other roles see no rules
(403 on the pages and the API). A rule the user may not see is "not found", like a missing one.
"""

from django.db.models import QuerySet

from crm.core.roles import SALES_ROLES, Role
from crm.discounts.models import DiscountRule, DiscountRuleVersion
from crm.org.models import User

RULE_VIEWER_ROLES = SALES_ROLES


def may_view_rules(user: User) -> bool:
    """The sales hierarchy opens the list of rules."""
    return user.is_active and user.role in RULE_VIEWER_ROLES


def may_edit_rules(user: User) -> bool:
    """Only the head of sales writes rules."""
    return user.is_active and user.role == Role.HEAD_OF_SALES


def rules_visible_to(user: User) -> QuerySet[DiscountRule]:
    """Every rule for the head of sales, the active ones for the rest of the sales hierarchy, none for others."""
    rules = DiscountRule.objects.all()
    if may_edit_rules(user):
        return rules
    if may_view_rules(user):
        return rules.filter(is_active=True)
    return rules.none()


def get_rule_for(user: User, pk: int, *, write: bool = False) -> DiscountRule:
    """One rule the user may see (or write, with `write`); DiscountRule.DoesNotExist for missing and forbidden."""
    if write and not may_edit_rules(user):
        raise DiscountRule.DoesNotExist(f"Discount rule {pk} not found")
    return rules_visible_to(user).get(pk=pk)


def versions_visible_to(user: User) -> QuerySet[DiscountRuleVersion]:
    """The versions of the rules the user may see."""
    return DiscountRuleVersion.objects.filter(rule__in=rules_visible_to(user))
