"""Use cases of the money the finance system reports: upserts of the payment schedule with payments, and claims.

Both reference their contract by `contract_external_id` (the finance system's own id) or `contract_number`.
A claim's client is always its contract's client. Every created or changed row is audited
(`instalment.created|updated`, `claim.created|updated`); an unchanged row writes nothing.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from crm.core.upserts import (
    BatchResult,
    BatchUpserter,
    InvalidItem,
    ItemErrors,
    UpsertResult,
    check_amount,
    check_past_date,
    check_source,
)
from crm.finance.models import Claim, ClaimStatus, Instalment
from crm.policies.services import ContractReferences

SOURCE = "finance"
INSTALMENT_FIELDS = ("due_on", "amount", "paid_on", "paid_amount")
CLAIM_FIELDS = ("loss_on", "reported_on", "paid_on", "incurred_amount", "paid_amount", "status")
CONTRACT_KEYS = {"contract": "contract_external_id"}


class InstalmentUpserter(BatchUpserter[Instalment]):
    model = Instalment
    action_prefix = "instalment"
    fields = ("contract", *INSTALMENT_FIELDS)
    names = CONTRACT_KEYS
    required = ("due_on", "amount")
    select_related = ("contract",)

    def load_references(self, items: list[Mapping[str, Any]]) -> None:
        self.contracts = ContractReferences(items)

    def assign(self, instance: Instalment, data: Mapping[str, Any], errors: ItemErrors) -> None:
        for name in INSTALMENT_FIELDS:
            if name in data:
                setattr(instance, name, data[name])
        self.contracts.assign(instance, data, errors, required=True)

    def check(self, instance: Instalment, errors: ItemErrors) -> None:
        check_amount(errors, "amount", instance.amount)
        check_amount(errors, "paid_amount", instance.paid_amount)
        check_past_date(errors, "paid_on", instance.paid_on)
        if instance.due_on > instance.contract.ends_on:
            errors.add("due_on", _("Срок оплаты позже окончания договора (%(day)s).") % _day(instance.contract.ends_on))
        if instance.paid_on is None and instance.paid_amount:
            errors.add("paid_on", _("Для оплаченной суммы укажите дату оплаты."))
        if instance.paid_on is not None and not instance.paid_amount:
            errors.add("paid_amount", _("Указана дата оплаты, но не сумма."))


class ClaimUpserter(BatchUpserter[Claim]):
    model = Claim
    action_prefix = "claim"
    fields = ("contract", "client", *CLAIM_FIELDS)
    names = {**CONTRACT_KEYS, "client": "contract_external_id"}
    required = ("loss_on", "reported_on", "incurred_amount")
    select_related = ("contract",)

    def load_references(self, items: list[Mapping[str, Any]]) -> None:
        # The claim's client is its contract's; loading it with the contract spares a query per new claim.
        self.contracts = ContractReferences(items, related=("client",))

    def assign(self, instance: Claim, data: Mapping[str, Any], errors: ItemErrors) -> None:
        for name in CLAIM_FIELDS:
            if name in data:
                setattr(instance, name, data[name])
        self.contracts.assign(instance, data, errors, required=True)
        if instance.contract_id is not None:
            instance.client = instance.contract.client

    def check(self, instance: Claim, errors: ItemErrors) -> None:
        check_amount(errors, "incurred_amount", instance.incurred_amount)
        check_amount(errors, "paid_amount", instance.paid_amount)
        check_past_date(errors, "reported_on", instance.reported_on)
        check_past_date(errors, "paid_on", instance.paid_on)
        contract = instance.contract
        cover_end = contract.terminated_on or contract.ends_on
        if not contract.starts_on <= instance.loss_on <= cover_end:
            period = {"first": f"{contract.starts_on:%d.%m.%Y}", "last": f"{cover_end:%d.%m.%Y}"}
            errors.add("loss_on", _("Дата убытка вне периода страхования (%(first)s – %(last)s).") % period)
        if instance.reported_on < instance.loss_on:
            errors.add("reported_on", _("Убыток заявлен раньше, чем произошёл."))
        if instance.paid_on is not None and instance.paid_on < instance.reported_on:
            errors.add("paid_on", _("Выплата раньше заявления об убытке."))
        if instance.paid_amount > instance.incurred_amount:
            errors.add("paid_amount", _("Выплачено больше произошедшего убытка."))
        _check_claim_status(instance, errors)


def _check_claim_status(claim: Claim, errors: ItemErrors) -> None:
    if claim.status == ClaimStatus.PAID and claim.paid_on is None:
        errors.add("paid_on", _("Для выплаченного убытка укажите дату выплаты."))
    if claim.status == ClaimStatus.REFUSED and claim.paid_amount:
        errors.add("paid_amount", _("По убытку с отказом в выплате выплаченная сумма должна быть 0."))
    if claim.status == ClaimStatus.REPORTED and claim.paid_amount:
        errors.add("status", _("По убытку есть выплата — статус «Заявлен» не подходит."))


def _day(day: Any) -> dict[str, str]:
    return {"day": f"{day:%d.%m.%Y}"}


def upsert_instalments(
    *, actor: Any, source: str, items: Sequence[Mapping[str, Any] | InvalidItem], atomic: bool = False
) -> BatchResult:
    """Create or update payment-schedule rows and their payments by the finance system's external id."""
    check_source(source, SOURCE)
    return InstalmentUpserter(actor=actor, items=items, atomic=atomic).run()


def upsert_instalment(*, actor: Any, source: str, data: Mapping[str, Any]) -> UpsertResult:
    """One instalment: the batch of one."""
    return upsert_instalments(actor=actor, source=source, items=[data]).results[0]


def upsert_claims(
    *, actor: Any, source: str, items: Sequence[Mapping[str, Any] | InvalidItem], atomic: bool = False
) -> BatchResult:
    """Create or update claims (incurred, paid, status) by the finance system's external id."""
    check_source(source, SOURCE)
    return ClaimUpserter(actor=actor, items=items, atomic=atomic).run()


def upsert_claim(*, actor: Any, source: str, data: Mapping[str, Any]) -> UpsertResult:
    """One claim: the batch of one."""
    return upsert_claims(actor=actor, source=source, items=[data]).results[0]
