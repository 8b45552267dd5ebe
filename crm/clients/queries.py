"""Reads of clients shaped for the list, the card and the API."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from crm.audit.queries import events_for
from crm.clients.access import clients_visible_to, may_see_client_pipeline
from crm.clients.models import Client, ClientQuerySet, Consent, Contact
from crm.core.money import format_rub
from crm.org.models import User

CARD_LIST_LIMIT = 20
HISTORY_LIMIT = 100
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6
# Clients sits below pipeline, policies and service in the app order, so the card reads their records
# through the client's related managers and names their states by value (a test pins these values).
DEAL_OPEN, DEAL_WON, DEAL_LOST = "open", "won", "lost"
CONTRACT_IN_FORCE = "in_force"
COMPLAINT_UNRESOLVED = ("open", "in_progress")


class ClientEvent(models.TextChoices):
    """The audit actions of this app, with the words the history tab shows."""

    CREATED = "client.created", _("Клиент создан")
    UPDATED = "client.updated", _("Реквизиты изменены")
    MANAGER_REASSIGNED = "client.manager_reassigned", _("Клиент передан другому менеджеру")
    CONTACT_ADDED = "client.contact_added", _("Добавлено контактное лицо")
    CONTACT_UPDATED = "client.contact_updated", _("Изменено контактное лицо")
    CONSENT_RECORDED = "client.consent_recorded", _("Получено согласие на обработку ПД")
    CONSENT_WITHDRAWN = "client.consent_withdrawn", _("Согласие на обработку ПД отозвано")


ORDERINGS: dict[str, tuple[Any, ...]] = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "inn": ("inn",),
    "-created_at": ("-created_at", "-pk"),
    "created_at": ("created_at", "pk"),
    "turnover": (F("turnover_amount").asc(nulls_last=True), "name", "pk"),
    "-turnover": (F("turnover_amount").desc(nulls_last=True), "name", "pk"),
    "manager": ("manager__last_name", "manager__first_name", "name", "pk"),
}
DEFAULT_ORDERING = "name"


@dataclass(frozen=True)
class ClientFilters:
    """What the list screen and the API filter clients by; empty means no restriction."""

    search: str = ""
    segment: str = ""
    industry_id: int | None = None
    region_id: int | None = None
    manager_id: int | None = None
    is_strategic: bool | None = None
    ordering: str = DEFAULT_ORDERING


LOOKUP_LIMIT = 20


def client_lookup_rows(viewer: User, text: str) -> list[Client]:
    """The first clients (by name) matching the search, for a picker; nothing until something is typed."""
    if not text.strip():
        return []
    return list(clients_visible_to(viewer).search(text).order_by("name", "pk")[:LOOKUP_LIMIT])


def client_rows(viewer: User, filters: ClientFilters) -> ClientQuerySet:
    """The clients the viewer sees, filtered and ordered, with what a list row shows joined in."""
    clients = clients_visible_to(viewer).search(filters.search)
    if filters.segment:
        clients = clients.filter(segment=filters.segment)
    if filters.industry_id is not None:
        # Choosing an ОКВЭД section also finds clients filed under its finer industries.
        clients = clients.filter(Q(industry_id=filters.industry_id) | Q(industry__parent_id=filters.industry_id))
    if filters.region_id is not None:
        clients = clients.filter(region_id=filters.region_id)
    if filters.manager_id is not None:
        clients = clients.filter(manager_id=filters.manager_id)
    if filters.is_strategic is not None:
        clients = clients.filter(is_strategic=filters.is_strategic)
    ordering = ORDERINGS.get(filters.ordering, ORDERINGS[DEFAULT_ORDERING])
    return clients.select_related("manager", "industry", "region").order_by(*ordering)


def client_managers(viewer: User) -> QuerySet[User]:
    """The people who own at least one client the viewer sees (the manager filter's choices)."""
    return User.objects.filter(clients__in=clients_visible_to(viewer)).distinct().order_by("last_name", "first_name")


@dataclass(frozen=True)
class DealSummary:
    open_count: int
    open_amount: Decimal
    won_count: int
    won_amount: Decimal
    lost_count: int


@dataclass(frozen=True)
class ContractSummary:
    """Sold contracts (all but those cancelled from inception) and their written premium."""

    sold_count: int
    in_force_count: int
    written_premium_amount: Decimal


@dataclass(frozen=True)
class NpsSummary:
    responses: int
    promoters: int
    detractors: int

    @property
    def nps_rate(self) -> Decimal | None:
        """Share of promoters minus share of detractors; undefined without responses."""
        if self.responses == 0:
            return None
        return Decimal(self.promoters - self.detractors) / Decimal(self.responses)


@dataclass(frozen=True)
class ClientCard:
    client: Client
    contacts: list[Contact]
    consents: list[Consent]
    contracts: list[models.Model]
    contract_summary: ContractSummary
    claims_count: int
    complaints: list[models.Model]
    complaints_count: int
    open_complaints_count: int
    nps: NpsSummary
    deals: list[models.Model] = field(default_factory=list)
    deal_summary: DealSummary | None = None


def deal_summary(client: Client) -> DealSummary:
    """Open, won and lost deals of the client: counts and premium amounts."""
    open_, won = Q(status=DEAL_OPEN), Q(status=DEAL_WON)
    row = client.deals.aggregate(
        open_count=Count("pk", filter=open_),
        open_amount=Sum("amount", filter=open_),
        won_count=Count("pk", filter=won),
        won_amount=Sum("amount", filter=won),
        lost_count=Count("pk", filter=Q(status=DEAL_LOST)),
    )
    return DealSummary(
        row["open_count"],
        row["open_amount"] or Decimal(0),
        row["won_count"],
        row["won_amount"] or Decimal(0),
        row["lost_count"],
    )


def contract_summary(client: Client) -> ContractSummary:
    """Sold contracts of the client, those in force, and their total written premium."""
    row = client.contracts.sold().aggregate(
        sold_count=Count("pk"),
        in_force_count=Count("pk", filter=Q(status=CONTRACT_IN_FORCE)),
        written_premium_amount=Sum("written_premium_amount"),
    )
    return ContractSummary(row["sold_count"], row["in_force_count"], row["written_premium_amount"] or Decimal(0))


def nps_summary(client: Client) -> NpsSummary:
    """All NPS responses of the client: how many, promoters (9–10) and detractors (0–6)."""
    row = client.nps_responses.aggregate(
        responses=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=NPS_PROMOTER_MIN)),
        detractors=Count("pk", filter=Q(score__lte=NPS_DETRACTOR_MAX)),
    )
    return NpsSummary(row["responses"], row["promoters"], row["detractors"])


def client_card(client: Client, *, viewer: User) -> ClientCard:
    """Everything the client card shows, in a fixed number of queries."""
    complaints = client.complaints.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status__in=COMPLAINT_UNRESOLVED))
    )
    pipeline: dict[str, Any] = {}
    if may_see_client_pipeline(viewer):
        deals = client.deals.select_related("product", "stage", "manager").order_by("-created_at", "-pk")
        pipeline = {"deals": list(deals[:CARD_LIST_LIMIT]), "deal_summary": deal_summary(client)}
    return ClientCard(
        client=client,
        contacts=list(client.contacts.all()),
        consents=list(client.consents.select_related("contact")),
        contracts=list(client.contracts.select_related("product").order_by("-concluded_on", "-pk")[:CARD_LIST_LIMIT]),
        contract_summary=contract_summary(client),
        claims_count=client.claims.count(),
        complaints=list(client.complaints.select_related("manager")[:CARD_LIST_LIMIT]),
        complaints_count=complaints["total"],
        open_complaints_count=complaints["open"],
        nps=nps_summary(client),
        **pipeline,
    )


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    occurred_at: datetime.datetime
    actor_label: str
    action_label: str
    changes: list[ChangeLine]


_ACTION_MODELS: dict[str, type[models.Model]] = {
    ClientEvent.CONTACT_ADDED: Contact,
    ClientEvent.CONTACT_UPDATED: Contact,
    ClientEvent.CONSENT_RECORDED: Consent,
    ClientEvent.CONSENT_WITHDRAWN: Consent,
}


def client_history(client: Client) -> list[HistoryRow]:
    """The audit trail of the client, its contacts and consents, newest first, in words."""
    rows = []
    for event in events_for(client._meta.label_lower, client.pk)[:HISTORY_LIMIT]:
        model = _ACTION_MODELS.get(event.action, Client)
        label = ClientEvent(event.action).label if event.action in ClientEvent.values else event.action
        rows.append(HistoryRow(event.occurred_at, event.actor_label, str(label), change_lines(model, event.changes)))
    return rows


def change_lines(model: type[models.Model], changes: dict[str, Any]) -> list[ChangeLine]:
    """Old → new pairs of an audit event as display strings; reference keys (`contact_id`) are skipped."""
    # PostgreSQL's jsonb does not keep key order; show fields in the order the model declares them.
    position = {model_field.name: index for index, model_field in enumerate(model._meta.get_fields())}
    lines = []
    for name, pair in sorted(changes.items(), key=lambda item: position.get(item[0], len(position))):
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        model_field = _field_or_none(model, name)
        label = str(model_field.verbose_name) if model_field else name
        lines.append(ChangeLine(label, display_value(model_field, pair[0]), display_value(model_field, pair[1])))
    return lines


def _field_or_none(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def display_value(model_field: Any, value: Any) -> str:
    """A value stored in the audit journal as the UI shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("да") if value else _("нет"))
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        return datetime.date.fromisoformat(value[:10]).strftime("%d.%m.%Y")
    if isinstance(model_field, models.DecimalField) and model_field.name.endswith("_amount"):
        return format_rub(Decimal(str(value)))
    return str(value)
