"""Reads of the funnel shaped for its screens: the deal list, the pipeline board, a deal's history.

Every function takes the deals the viewer may see (crm.pipeline.access) and runs a fixed number of
queries however many deals there are.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from crm.audit.models import AuditEvent
from crm.audit.queries import events_for
from crm.catalog.models import ProductLine
from crm.clients.models import Client
from crm.core.money import format_percent, format_rub
from crm.core.periods import Period
from crm.discounts.models import DiscountRuleVersion
from crm.org.models import User
from crm.pipeline.models import Activity, Deal, DealQuerySet, DealStatus, Stage

ROW_RELATED = ("client", "product__product_line", "manager", "stage")
BOARD_CARDS_PER_STAGE = 30
HISTORY_LIMIT = 100
RATE_FIELDS = ("probability", "requested_discount_rate", "granted_discount_rate")
ACTION_LABELS = {
    "deal.created": _("Создана"),
    "deal.updated": _("Изменена"),
    "deal.moved": _("Перемещена на другой этап"),
    "deal.won": _("Закрыта: выиграна"),
    "deal.lost": _("Закрыта: проиграна"),
}


@dataclass(frozen=True)
class DealFilters:
    """What a deal list or board is narrowed to; empty values do not filter."""

    status: str = ""
    stage: Stage | None = None
    manager: User | None = None
    product_line: ProductLine | None = None
    kind: str = ""
    expected_close: Period | None = None
    search: str = ""


def weighted_amount_expression() -> ExpressionWrapper:
    """amount × probability, the deal's own when set, else its stage's default (docs: weighted forecast)."""
    probability = Coalesce(F("probability"), F("stage__default_probability"))
    return ExpressionWrapper(F("amount") * probability, output_field=DecimalField(max_digits=24, decimal_places=6))


def _search_q(text: str) -> Q:
    """Deals of the clients the client search finds (ИНН prefix or name in any letter case)."""
    return Q(client__in=Client.objects.search(text).values("pk"))


def filter_deals(deals: DealQuerySet, filters: DealFilters) -> DealQuerySet:
    """The deals matching the filters (status, stage, manager, line, kind, expected close, client search)."""
    conditions = Q()
    if filters.status:
        conditions &= Q(status=filters.status)
    if filters.stage is not None:
        conditions &= Q(stage=filters.stage)
    if filters.manager is not None:
        conditions &= Q(manager=filters.manager)
    if filters.product_line is not None:
        conditions &= Q(product__product_line=filters.product_line)
    if filters.kind:
        conditions &= Q(kind=filters.kind)
    if filters.expected_close is not None:
        period = filters.expected_close
        conditions &= Q(expected_close_on__gte=period.first, expected_close_on__lte=period.last)
    if filters.search.strip():
        conditions &= _search_q(filters.search)
    return deals.filter(conditions)


def overdue_q(today: datetime.date) -> Q:
    """An open deal whose expected close date has passed (docs: overdue deals)."""
    return Q(status=DealStatus.OPEN, expected_close_on__lt=today)


def _is_overdue(today: datetime.date) -> Case:
    return Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField())


def deal_rows(deals: DealQuerySet, filters: DealFilters, *, today: datetime.date) -> DealQuerySet:
    """Rows of the deal list: filtered, newest first, joined with client, product, manager, stage; `is_overdue`."""
    rows = filter_deals(deals, filters).select_related(*ROW_RELATED).annotate(is_overdue=_is_overdue(today))
    return rows.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class BoardCard:
    """One open deal on the board."""

    deal: Deal
    is_overdue: bool

    @property
    def weighted_amount(self) -> Decimal:
        return self.deal.amount * self.deal.effective_probability


@dataclass
class BoardColumn:
    """A stage of the funnel with its open deals: count, Σ amount, Σ weighted amount, overdue deals."""

    stage: Stage
    count: int = 0
    amount: Decimal = Decimal(0)
    weighted_amount: Decimal = Decimal(0)
    overdue_count: int = 0
    cards: list[BoardCard] = field(default_factory=list)

    @property
    def hidden_count(self) -> int:
        """Deals counted in the column but not shown as cards (the board shows the most urgent ones)."""
        return self.count - len(self.cards)


def _stage_totals(open_deals: DealQuerySet, today: datetime.date) -> dict[int, dict[str, Any]]:
    """Per stage: count, Σ amount, Σ weighted amount, overdue count (names differ from fields, which they shadow)."""
    rows = (
        open_deals.order_by()
        .values("stage_id")
        .annotate(
            n=Count("pk"),
            amount_sum=Sum("amount"),
            weighted_sum=Sum(weighted_amount_expression()),
            overdue_n=Count("pk", filter=overdue_q(today)),
        )
    )
    return {
        row["stage_id"]: {
            "count": row["n"],
            "amount": row["amount_sum"],
            "weighted_amount": row["weighted_sum"],
            "overdue_count": row["overdue_n"],
        }
        for row in rows
    }


def _top_cards(open_deals: DealQuerySet, per_stage: int, today: datetime.date) -> QuerySet[Deal]:
    """The most urgent open deals of each stage (earliest expected close first), at most `per_stage` each."""
    urgency = [F("expected_close_on").asc(nulls_last=True), F("pk").asc()]
    ranked = open_deals.annotate(rank=Window(RowNumber(), partition_by=[F("stage_id")], order_by=urgency))
    cards = ranked.filter(rank__lte=per_stage).annotate(is_overdue=_is_overdue(today))
    return cards.select_related(*ROW_RELATED).order_by(*urgency)


def pipeline_board(
    deals: DealQuerySet, filters: DealFilters, *, today: datetime.date, per_stage: int = BOARD_CARDS_PER_STAGE
) -> list[BoardColumn]:
    """Open deals by active stage: per column count, Σ amount, Σ weighted amount, overdue count, cards.

    An inactive stage still holding open deals gets a column too, so no open deal disappears from view.
    """
    open_deals = filter_deals(deals, filters).filter(status=DealStatus.OPEN)
    totals = _stage_totals(open_deals, today)
    stages = Stage.objects.filter(Q(is_active=True) | Q(pk__in=list(totals))).order_by("position")
    columns = {stage.pk: BoardColumn(stage=stage, **totals.get(stage.pk, {})) for stage in stages}
    for deal in _top_cards(open_deals, per_stage, today):
        columns[deal.stage_id].cards.append(BoardCard(deal=deal, is_overdue=deal.is_overdue))  # type: ignore[attr-defined]
    return list(columns.values())


def deal_activities(deal: Deal) -> QuerySet[Activity]:
    """The calls, meetings and e-mails on a deal, newest first."""
    return deal.activities.select_related("manager").order_by("-occurred_at")


@dataclass(frozen=True)
class HistoryChange:
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryRow:
    """One audit event of a deal, with field names and choice values as the UI says them."""

    event: AuditEvent
    action_label: str
    changes: list[HistoryChange]


def _model_field(name: str) -> Any:
    try:
        return Deal._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display_value(name: str, value: Any) -> Any:
    """An audited value as the UI shows it: choice labels, Russian dates, roubles, percent."""
    model_field = _model_field(name)
    if value in (None, "", []) or model_field is None:
        return value or None
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if getattr(model_field, "choices", None):
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(model_field, DateField):
        return datetime.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    if name == "amount":
        return format_rub(Decimal(str(value)), kopecks=True)
    if name in RATE_FIELDS:
        return format_percent(Decimal(str(value)))
    return value


def _rule_versions(events: list[AuditEvent]) -> dict[str, str]:
    """Names of the discount-rule versions the events mention, by id as audited (one query)."""
    ids = {
        value for event in events for value in event.changes.get("discount_rule_version", []) if value not in (None, "")
    }
    if not ids:
        return {}
    versions = DiscountRuleVersion.objects.filter(pk__in=ids).select_related("rule")
    return {str(version.pk): f"«{version.rule.name}», {_('версия')} {version.number}" for version in versions}


def _field_label(name: str) -> str:
    model_field = _model_field(name)
    return str(model_field.verbose_name) if model_field is not None else name


def deal_history(deal: Deal) -> list[HistoryRow]:
    """The deal's audit events, newest first, ready to show."""
    rows = []
    events = list(events_for("pipeline.deal", deal.pk)[:HISTORY_LIMIT])
    versions = _rule_versions(events)
    for event in events:
        shown = [
            (name, versions.get(str(old), old), versions.get(str(new), new))
            if name == "discount_rule_version"
            else (name, _display_value(name, old), _display_value(name, new))
            for name, (old, new) in event.changes.items()
        ]
        changes = [HistoryChange(_field_label(name), old, new) for name, old, new in shown if old != new]
        rows.append(HistoryRow(event, str(ACTION_LABELS.get(event.action, event.action)), changes))
    return rows
