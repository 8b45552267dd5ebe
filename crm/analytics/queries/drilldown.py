"""The drill-down's last level: one manager's contracts in the period and their open deals."""

import datetime

from django.db.models import F

from crm.analytics.access import contracts_visible_to, deals_for_analytics, may_view_dashboard
from crm.analytics.queries.facts import concluded_in
from crm.analytics.results import ContractRow, DealRow, Fact, ManagerDeals
from crm.analytics.sales import ZERO
from crm.core.periods import Period
from crm.org.models import User
from crm.pipeline.access import deal_managers_visible_to
from crm.pipeline.models import Deal
from crm.policies.models import Contract


def _contract_row(contract: Contract) -> ContractRow:
    return ContractRow(
        id=contract.pk,
        number=contract.number,
        client_id=contract.client_id,
        client_name=str(contract.client),
        product_name=contract.product.name,
        product_line_name=contract.product.product_line.name,
        concluded_on=contract.concluded_on,
        written_premium_amount=contract.written_premium_amount,
        status=contract.status,
    )


def _deal_row(deal: Deal, today: datetime.date) -> DealRow:
    probability = deal.effective_probability
    return DealRow(
        id=deal.pk,
        title=str(deal),
        client_id=deal.client_id,
        client_name=str(deal.client),
        product_line_name=deal.product.product_line.name,
        stage_name=deal.stage.name,
        amount=deal.amount,
        probability=probability,
        weighted_amount=deal.amount * probability,
        expected_close_on=deal.expected_close_on,
        is_overdue=deal.expected_close_on is not None and deal.expected_close_on < today,
    )


def manager_deals(viewer: User, manager_id: int, period: Period, today: datetime.date) -> ManagerDeals:
    """A manager's sold contracts concluded in the period and open deals (most urgent first), as the viewer sees them.

    User.DoesNotExist when the manager is missing or outside the viewer's scope (the API answers 404).
    """
    if not may_view_dashboard(viewer):
        raise User.DoesNotExist(f"User {manager_id} not found")
    manager = deal_managers_visible_to(viewer).get(pk=manager_id)
    contracts = contracts_visible_to(viewer).sold().filter(concluded_in(period), manager=manager)
    contracts = contracts.select_related("client", "product__product_line").order_by("concluded_on", "number")
    deals = deals_for_analytics(viewer).open().filter(manager=manager)
    deals = deals.select_related("client", "product__product_line", "stage")
    deals = deals.order_by(F("expected_close_on").asc(nulls_last=True), "pk")
    contract_rows = [_contract_row(contract) for contract in contracts]
    fact = Fact(sum((row.written_premium_amount for row in contract_rows), ZERO), len(contract_rows))
    return ManagerDeals(
        manager_id=manager.pk,
        manager_name=manager.short_name,
        period=period,
        fact=fact,
        contracts=contract_rows,
        open_deals=[_deal_row(deal, today) for deal in deals],
    )
