"""Reads for the integrations screens."""

from django.db.models import Count, F, Max, Q, QuerySet

from crm.integrations.models import IntegrationAccount, IntegrationToken


def account_rows() -> QuerySet[IntegrationAccount]:
    """Every account with its number of live tokens and when any of them was last used; one query."""
    return IntegrationAccount.objects.select_related("user", "created_by").annotate(
        live_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True)),
        last_used_at=Max("tokens__last_used_at"),
    )


def tokens_of(account: IntegrationAccount) -> QuerySet[IntegrationToken]:
    return account.tokens.select_related("created_by").order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
