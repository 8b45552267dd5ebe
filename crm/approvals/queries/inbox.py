"""The approvals inbox: boxes per role (waiting for me, mine, invited, all I see), counts, rows."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from crm.approvals.access import requests_visible_to, waiting_for
from crm.approvals.models import OPEN_STATES, ApprovalRequest, ApprovalState
from crm.core.roles import Role
from crm.discussions.access import granted_object_ids
from crm.discussions.queries import unread_messages_expression
from crm.org.models import User
from crm.pipeline.models import Deal

BOXES = {
    "waiting": _("Ждут моего решения"),
    "mine": _("Мои запросы"),
    "invited": _("Меня пригласили"),
    "all": _("Все доступные"),
}
ROW_RELATED = ("deal__client", "deal__product", "requested_by", "approver", "decided_by", "rule_version__rule")


@dataclass(frozen=True)
class Inbox:
    """One box of the inbox for a user: which boxes they have with their counts, the chosen one's ids in order.

    `ids` is a lazy queryset of ids only: paginate it, then load the page with `inbox_rows` (sorting the bare
    requests first and joining the deal, client and people for one page only keeps the box fast when large).
    """

    box: str
    boxes: list[tuple[str, Any, int]]
    ids: QuerySet[ApprovalRequest, int]


def boxes_for(user: User) -> list[str]:
    """Deciders wait for decisions, sales people see their own requests, consultants what they were invited to."""
    if user.role in (Role.HEAD_OF_SALES, Role.SENIOR_MANAGER):
        return ["waiting", "mine", "all"]
    if user.role == Role.MANAGER:
        return ["mine", "all"]
    return ["invited"]


def _box_queryset(user: User, box: str) -> QuerySet[ApprovalRequest]:
    if box == "waiting":
        return waiting_for(user)
    visible = requests_visible_to(user)
    if box == "mine":
        return visible.filter(requested_by=user)
    if box == "invited":
        return visible.filter(pk__in=granted_object_ids(user, ApprovalRequest))
    return visible


def inbox(user: User, box: str, state: str = "") -> Inbox:
    """The chosen box (the role's first when unknown), optionally of one state; open requests first."""
    names = boxes_for(user)
    box = box if box in names else names[0]
    counts = _open_counts(user, names)
    rows = _box_queryset(user, box)
    if state in ApprovalState.values:
        rows = rows.filter(state=state)
    ids = _ordered(rows).values_list("pk", flat=True)
    return Inbox(box, [(name, BOXES[name], counts[name]) for name in names], ids)


def inbox_rows(user: User, ids: Iterable[int]) -> list[ApprovalRequest]:
    """The requests of one page, in the given order, with their deal, client, people and unread messages."""
    ids = list(ids)
    rows = ApprovalRequest.objects.filter(pk__in=ids).select_related(*ROW_RELATED)
    rows = rows.annotate(unread_messages=unread_messages_expression(ApprovalRequest, user))
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _ordered(rows: QuerySet[ApprovalRequest]) -> QuerySet[ApprovalRequest]:
    """Open requests first (the longest waiting on top), then decided ones, latest first."""
    is_open = Q(state__in=OPEN_STATES)
    rank = Case(When(is_open, then=Value(0)), default=Value(1), output_field=IntegerField())
    waiting_since = Case(When(is_open, then=F("submitted_at")))
    return rows.alias(rank=rank, waiting_since=waiting_since).order_by(
        "rank", F("waiting_since").asc(nulls_last=True), F("decided_at").desc(nulls_last=True), "-pk"
    )


def _open_counts(user: User, names: list[str]) -> dict[str, int]:
    """Open requests per box, in one query per box (three at most)."""
    return {name: _box_queryset(user, name).filter(state__in=OPEN_STATES).count() for name in names}


def open_request_for_deal(deal: Deal, user: User) -> ApprovalRequest | None:
    """The deal's open request (on approval or in rework) if the user may see it."""
    return (
        requests_visible_to(user)
        .filter(deal=deal, state__in=OPEN_STATES)
        .select_related("approver", "requested_by")
        .first()
    )
