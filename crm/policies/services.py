"""Use cases of contracts: the finance system's upserts of premiums, commissions, terms and terminations.

Items reference the client by ИНН (`client_inn`), the product by its exact name (`product_name`: products
have no code), the manager by login (`manager_login`) and a renewed contract by its external id
(`renewal_of_external_id`). A contract whose approved terms (premium, discount, special terms) change is
audited as `contract.terms_changed`, so the journal shows who changed them after approval, and when.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from crm.catalog.models import Product
from crm.clients.models import Client
from crm.core.periods import today
from crm.core.upserts import (
    BatchResult,
    BatchUpserter,
    InvalidItem,
    ItemErrors,
    Plan,
    UniqueInBatch,
    UpsertResult,
    check_amount,
    check_source,
    index_by,
    keys_of,
    resolve,
)
from crm.org.models import User
from crm.policies.models import Contract, ContractStatus

SOURCE = "finance"
TERM_FIELDS = ("written_premium_amount", "discount_rate", "special_terms")
PLAIN_FIELDS = (
    "number", "concluded_on", "starts_on", "ends_on", "written_premium_amount", "commission_amount",
    "discount_rate", "special_terms", "status", "terminated_on", "termination_reason",
)  # fmt: skip


class ContractUpserter(BatchUpserter[Contract]):
    model = Contract
    action_prefix = "contract"
    fields = (*PLAIN_FIELDS, "client", "product", "manager", "renewal_of")
    names = {
        "client": "client_inn",
        "product": "product_name",
        "manager": "manager_login",
        "renewal_of": "renewal_of_external_id",
    }
    required = ("number", "client_inn", "product_name", "manager_login", "concluded_on", "starts_on", "ends_on",
                "written_premium_amount")  # fmt: skip
    select_related = ("client", "product", "manager", "renewal_of")

    def load_references(self, items: list[Mapping[str, Any]]) -> None:
        self.clients = index_by(Client.objects.filter(inn__in=keys_of(items, "client_inn")), "inn")
        self.products = index_by(Product.objects.filter(name__in=keys_of(items, "product_name")), "name")
        self.managers = index_by(User.objects.filter(username__in=keys_of(items, "manager_login")), "username")
        renewed = keys_of(items, "renewal_of_external_id")
        self.renewals = index_by(Contract.objects.filter(external_id__in=renewed), "external_id")
        taken = Contract.objects.filter(renewal_of__external_id__in=renewed).values_list("renewal_of_id", "external_id")
        self.renewed_by = UniqueInBatch(dict(taken))
        numbers = Contract.objects.filter(number__in=keys_of(items, "number")).values_list("number", "external_id")
        self.numbers = UniqueInBatch(dict(numbers))

    def assign(self, instance: Contract, data: Mapping[str, Any], errors: ItemErrors) -> None:
        for name in PLAIN_FIELDS:
            if name in data:
                setattr(instance, name, data[name])
        resolve(instance, "client", data, "client_inn", self.clients, errors, _("Клиент с ИНН %(key)s не найден."))
        resolve(instance, "product", data, "product_name", self.products, errors, _("Продукт «%(key)s» не найден."))
        message = _("Пользователь с логином «%(key)s» не найден.")
        resolve(instance, "manager", data, "manager_login", self.managers, errors, message)
        if "renewal_of_external_id" in data:
            message = _("Договор с внешним ID «%(key)s» не найден.")
            resolve(instance, "renewal_of", data, "renewal_of_external_id", self.renewals, errors, message)

    def check(self, instance: Contract, errors: ItemErrors) -> None:
        _check_dates(instance, errors)
        _check_money(instance, errors)
        _check_termination(instance, errors)
        if not self.numbers.claim(instance.number, instance.external_id):
            errors.add(
                "number", _("Договор № %(number)s уже есть в CRM с другим внешним ID.") % {"number": instance.number}
            )
        self._check_renewal(instance, errors)

    def _check_renewal(self, instance: Contract, errors: ItemErrors) -> None:
        previous = instance.renewal_of
        if previous is None:
            return
        if previous.external_id == instance.external_id:
            errors.add("renewal_of", _("Договор не может быть пролонгацией самого себя."))
        elif previous.client_id != instance.client_id:
            errors.add("renewal_of", _("Пролонгируемый договор принадлежит другому клиенту."))
        elif not self.renewed_by.claim(previous.pk, instance.external_id):
            errors.add("renewal_of", _("Этот договор уже пролонгирован другим договором."))

    def action_for(self, plan: Plan) -> str:
        contract = plan.instance
        assert isinstance(contract, Contract)
        if not plan.is_new and contract.approved_terms is not None and set(TERM_FIELDS) & set(plan.changes):
            return "contract.terms_changed"
        return super().action_for(plan)


def _check_dates(contract: Contract, errors: ItemErrors) -> None:
    if contract.ends_on < contract.starts_on:
        errors.add("ends_on", _("Окончание действия раньше начала."))
    if contract.concluded_on > contract.ends_on:
        errors.add("concluded_on", _("Договор заключён после окончания срока действия."))
    if contract.concluded_on > today():
        errors.add("concluded_on", _("Дата заключения ещё не наступила."))


def _check_money(contract: Contract, errors: ItemErrors) -> None:
    check_amount(errors, "written_premium_amount", contract.written_premium_amount)
    check_amount(errors, "commission_amount", contract.commission_amount)
    if contract.commission_amount > contract.written_premium_amount:
        errors.add("commission_amount", _("Комиссия больше премии договора."))
    if not Decimal(0) <= contract.discount_rate < Decimal(1):
        errors.add("discount_rate", _("Скидка — доля от 0 до 1 (0,15 = 15 %)."))


def _check_termination(contract: Contract, errors: ItemErrors) -> None:
    terminated = contract.status == ContractStatus.TERMINATED
    if terminated and contract.terminated_on is None:
        errors.add("terminated_on", _("Для расторгнутого договора укажите дату расторжения."))
    if terminated and not contract.termination_reason:
        errors.add("termination_reason", _("Для расторгнутого договора укажите причину расторжения."))
    if not terminated and contract.terminated_on is not None:
        errors.add("terminated_on", _("Дата расторжения указывается только для расторгнутого договора."))
    if contract.termination_reason and contract.status not in (ContractStatus.TERMINATED, ContractStatus.CANCELLED):
        errors.add(
            "termination_reason", _("Причина указывается только для расторгнутого или аннулированного договора.")
        )
    day = contract.terminated_on
    if day is not None and not contract.starts_on <= day <= contract.ends_on:
        errors.add("terminated_on", _("Дата расторжения вне срока действия договора."))
    elif day is not None and day > today():
        errors.add("terminated_on", _("Дата расторжения ещё не наступила."))


def upsert_contracts(
    *, actor: Any, source: str, items: Sequence[Mapping[str, Any] | InvalidItem], atomic: bool = False
) -> BatchResult:
    """Create or update contracts by the finance system's external id; audited per changed contract."""
    check_source(source, SOURCE)
    return ContractUpserter(actor=actor, items=items, atomic=atomic).run()


def upsert_contract(*, actor: Any, source: str, data: Mapping[str, Any]) -> UpsertResult:
    """One contract: the batch of one (the file import and the API use the batch form)."""
    return upsert_contracts(actor=actor, source=source, items=[data]).results[0]


class ContractReferences:
    """Contracts a batch of finance or service-desk items names by `contract_external_id` or `contract_number`.

    Two queries per batch at most; an item may give either key, or both when they name the same contract.
    """

    def __init__(self, items: list[Mapping[str, Any]], *, related: Sequence[str] = ()) -> None:
        contracts = Contract.objects.select_related(*related) if related else Contract.objects.all()
        by_external_id = keys_of(items, "contract_external_id")
        by_number = keys_of(items, "contract_number")
        self.by_external_id = index_by(contracts.filter(external_id__in=by_external_id), "external_id")
        self.by_number = index_by(contracts.filter(number__in=by_number), "number") if by_number else {}

    def assign(self, instance: Any, data: Mapping[str, Any], errors: ItemErrors, *, required: bool) -> None:
        """Set `instance.contract` from the item's keys; errors name the key that did not resolve."""
        external_id, number = data.get("contract_external_id"), data.get("contract_number")
        if external_id in (None, "") and number in (None, ""):
            named = "contract_external_id" in data or "contract_number" in data
            if required and (named or instance.contract_id is None):
                errors.add("contract_external_id", _("Укажите договор: contract_external_id или contract_number."))
            elif named:
                instance.contract = None
            return
        by_external_id = self.by_external_id.get(external_id) if external_id not in (None, "") else None
        by_number = self.by_number.get(number) if number not in (None, "") else None
        if external_id not in (None, "") and by_external_id is None:
            errors.add("contract_external_id", _("Договор с внешним ID «%(key)s» не найден.") % {"key": external_id})
        elif number not in (None, "") and by_number is None:
            errors.add("contract_number", _("Договор № %(key)s не найден.") % {"key": number})
        elif by_external_id is not None and by_number is not None and by_external_id.pk != by_number.pk:
            errors.add("contract_number", _("Номер договора не совпадает с договором по внешнему ID."))
        else:
            instance.contract = by_external_id or by_number
