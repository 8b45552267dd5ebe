"""Use cases of the service desk's feed: upserts of client complaints and NPS responses.

Both reference the client by ИНН (`client_inn`). A complaint may name its contract (`contract_external_id`
or `contract_number`, which must be the same client's) and the manager it is about (`manager_login`); a new
complaint without a manager is attributed to the contract's manager, else to the client's. Audited as
`complaint.created|updated` and `nps_response.created|updated`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from crm.clients.models import Client
from crm.core.upserts import (
    BatchResult,
    BatchUpserter,
    InvalidItem,
    ItemErrors,
    UpsertResult,
    check_past_date,
    check_source,
    index_by,
    keys_of,
    resolve,
)
from crm.org.models import User
from crm.policies.services import ContractReferences
from crm.service.models import Complaint, ComplaintStatus, NpsResponse

SOURCE = "service_desk"
COMPLAINT_FIELDS = ("category", "status", "received_on", "resolved_on", "text")
NPS_FIELDS = ("score", "comment", "responded_on")
CLOSED = (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)


class ComplaintUpserter(BatchUpserter[Complaint]):
    model = Complaint
    action_prefix = "complaint"
    fields = ("client", "contract", "manager", *COMPLAINT_FIELDS)
    names = {"client": "client_inn", "contract": "contract_external_id", "manager": "manager_login"}
    required = ("client_inn", "category", "received_on")
    select_related = ("client", "contract", "manager")

    def load_references(self, items: list[Mapping[str, Any]]) -> None:
        self.clients = index_by(Client.objects.filter(inn__in=keys_of(items, "client_inn")), "inn")
        self.contracts = ContractReferences(items, related=("manager",))
        self.managers = index_by(User.objects.filter(username__in=keys_of(items, "manager_login")), "username")
        owners = {client.manager_id for client in self.clients.values()}
        self.client_managers = index_by(User.objects.filter(pk__in=owners), "pk")

    def assign(self, instance: Complaint, data: Mapping[str, Any], errors: ItemErrors) -> None:
        for name in COMPLAINT_FIELDS:
            if name in data:
                setattr(instance, name, data[name])
        resolve(instance, "client", data, "client_inn", self.clients, errors, _("Клиент с ИНН %(key)s не найден."))
        self.contracts.assign(instance, data, errors, required=False)
        message = _("Пользователь с логином «%(key)s» не найден.")
        resolve(instance, "manager", data, "manager_login", self.managers, errors, message)
        if instance.pk is None and instance.manager_id is None and not errors.has("manager", "client"):
            instance.manager = self._default_manager(instance)

    def _default_manager(self, complaint: Complaint) -> User | None:
        contract = complaint.contract
        if contract is not None:
            return contract.manager
        if complaint.client_id is not None:
            return self.client_managers.get(complaint.client.manager_id)
        return None

    def check(self, instance: Complaint, errors: ItemErrors) -> None:
        check_past_date(errors, "received_on", instance.received_on)
        check_past_date(errors, "resolved_on", instance.resolved_on)
        if instance.contract is not None and instance.contract.client_id != instance.client_id:
            errors.add("contract", _("Договор принадлежит другому клиенту."))
        if instance.resolved_on is not None and instance.resolved_on < instance.received_on:
            errors.add("resolved_on", _("Дата решения раньше поступления жалобы."))
        if instance.status in CLOSED and instance.resolved_on is None:
            errors.add("resolved_on", _("Для решённой или отклонённой жалобы укажите дату решения."))
        if instance.status not in CLOSED and instance.resolved_on is not None:
            errors.add("resolved_on", _("Дата решения указывается только для решённой или отклонённой жалобы."))


class NpsUpserter(BatchUpserter[NpsResponse]):
    model = NpsResponse
    action_prefix = "nps_response"
    fields = ("client", *NPS_FIELDS)
    names = {"client": "client_inn"}
    required = ("client_inn", "score", "responded_on")
    select_related = ("client",)

    def load_references(self, items: list[Mapping[str, Any]]) -> None:
        self.clients = index_by(Client.objects.filter(inn__in=keys_of(items, "client_inn")), "inn")

    def assign(self, instance: NpsResponse, data: Mapping[str, Any], errors: ItemErrors) -> None:
        for name in NPS_FIELDS:
            if name in data:
                setattr(instance, name, data[name])
        resolve(instance, "client", data, "client_inn", self.clients, errors, _("Клиент с ИНН %(key)s не найден."))

    def check(self, instance: NpsResponse, errors: ItemErrors) -> None:
        check_past_date(errors, "responded_on", instance.responded_on)


def upsert_complaints(
    *, actor: Any, source: str, items: Sequence[Mapping[str, Any] | InvalidItem], atomic: bool = False
) -> BatchResult:
    """Create or update complaints by the service desk's external id."""
    check_source(source, SOURCE)
    return ComplaintUpserter(actor=actor, items=items, atomic=atomic).run()


def upsert_complaint(*, actor: Any, source: str, data: Mapping[str, Any]) -> UpsertResult:
    """One complaint: the batch of one."""
    return upsert_complaints(actor=actor, source=source, items=[data]).results[0]


def upsert_nps_responses(
    *, actor: Any, source: str, items: Sequence[Mapping[str, Any] | InvalidItem], atomic: bool = False
) -> BatchResult:
    """Create or update NPS responses by the service desk's external id."""
    check_source(source, SOURCE)
    return NpsUpserter(actor=actor, items=items, atomic=atomic).run()


def upsert_nps_response(*, actor: Any, source: str, data: Mapping[str, Any]) -> UpsertResult:
    """One NPS response: the batch of one."""
    return upsert_nps_responses(actor=actor, source=source, items=[data]).results[0]
