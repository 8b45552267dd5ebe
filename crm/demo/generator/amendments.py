"""Story (h): terms of a few approved contracts changed afterwards, each change written to the audit journal."""

from decimal import Decimal

from django.db import transaction

from crm.audit.services import diff, record_event
from crm.demo.generator import stories
from crm.demo.generator.context import Context
from crm.demo.generator.dates import DAY, at_work_hours
from crm.policies.models import Contract, ContractStatus

DISCOUNT_STEP = Decimal("0.07")


def change_terms_after_approval(ctx: Context) -> list[str]:
    """For each planted client of story (h): freeze its largest in-force contract's terms, then change them."""
    numbers = []
    for short_name in stories.TERMS_CHANGED_CLIENTS:
        if short_name not in ctx.planted:
            continue
        contract = (
            Contract.objects.select_related("manager", "product")
            .filter(client_id=ctx.planted[short_name], status=ContractStatus.IN_FORCE)
            .order_by("-written_premium_amount", "number")
            .first()
        )
        if contract is not None:
            _change_terms(ctx, contract)
            numbers.append(contract.number)
    return numbers


def _freeze_if_unapproved(ctx: Context, contract: Contract) -> None:
    """A contract without a discount approval still had its special terms approved before signing."""
    if contract.approved_terms is None:
        contract.approved_terms = contract.current_terms()
        rng = ctx.rng_for("approval", contract.concluded_on.toordinal())
        contract.approved_at = at_work_hours(rng, contract.concluded_on - 3 * DAY)


@transaction.atomic
def _change_terms(ctx: Context, contract: Contract) -> None:
    _freeze_if_unapproved(ctx, contract)
    before = contract.current_terms()
    old_rate = Decimal(contract.discount_rate)
    new_rate = min(Decimal("0.40"), old_rate + DISCOUNT_STEP)
    tariff = contract.written_premium_amount / (1 - old_rate)
    contract.discount_rate = new_rate
    contract.written_premium_amount = (tariff * (1 - new_rate)).quantize(Decimal("0.01"))
    contract.commission_amount = (contract.written_premium_amount * contract.product.base_commission_rate).quantize(
        Decimal("0.01")
    )
    contract.special_terms = stories.CHANGED_SPECIAL_TERMS
    contract.save(
        update_fields=[
            "approved_terms",
            "approved_at",
            "discount_rate",
            "written_premium_amount",
            "commission_amount",
            "special_terms",
        ]
    )
    record_event(
        actor=contract.manager,
        action=stories.TERMS_CHANGED_ACTION,
        subject=contract,
        changes=diff(before, contract.current_terms()),
    )
