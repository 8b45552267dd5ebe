"""Approval requests in every state on open deals, so the inboxes of `senior` and `head` are not empty.

Routing is the product's own (`crm.approvals.routing.route_for`, on the generated `today`), so a request
lands where a real one would; the rows are written directly with dates relative to `today`, one audit
event per step and in-app notifications (no e-mail) like the services write. An approved request sets the
deal's requested and granted discount and freezes the terms, as `approve_request` does.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from crm.approvals.models import ApprovalRequest, ApprovalState, deal_terms
from crm.approvals.routing import route_for
from crm.audit.services import record_event
from crm.core.money import format_percent
from crm.demo.generator import stories
from crm.demo.generator.context import Context
from crm.demo.generator.dates import DAY, MOSCOW, at_work_hours
from crm.discussions.models import Message, Thread, ThreadGrant
from crm.notifications.models import Notification
from crm.notifications.services import notify
from crm.org.models import User
from crm.pipeline.models import Deal, DealStatus


@dataclass(frozen=True, slots=True)
class Planned:
    """One planted request: whose deal (a login, or "teammate"/"other" for a drawn one), terms, what happened."""

    owner: str
    rate: str
    special_terms: str
    state: str
    days_ago: int
    comment: str = ""
    thread: tuple[tuple[str, str, str], ...] = ()  # (login, text, verdict)


PLANNED = [
    Planned("manager", "0.08", "", ApprovalState.SUBMITTED, 2,
            thread=(("manager", "Клиент готов застраховать у нас ещё три филиала, если скидка будет 8 %.", ""),)),
    Planned("manager", "0.15", "Рассрочка на 4 платежа", ApprovalState.SUBMITTED, 3,
            thread=(("head", "@underwriter оцените, пожалуйста, убыточность клиента за три года.", ""),
                    ("underwriter", "Убыточность в норме; принять при франшизе 100 000 ₽.", "conditions"))),
    Planned("manager", "0.09", "", ApprovalState.RETURNED, 6, "Уточните, сколько филиалов клиент страхует у нас."),
    Planned("teammate", "0.07", "", ApprovalState.APPROVED, 20,
            "Согласовано: клиент переводит к нам КАСКО автопарка."),
    Planned("teammate", "0.12", "", ApprovalState.REJECTED, 12, "Скидка не окупается при текущей убыточности."),
    Planned("other", "0.14", "Франшиза снижена до 50 000 ₽", ApprovalState.SUBMITTED, 1),
    Planned("other", "0.06", "", ApprovalState.WITHDRAWN, 9, "Клиент подписал договор без скидки."),
]  # fmt: skip
JUSTIFICATION = "Клиент сравнивает с предложением конкурента; взамен страхует у нас филиалы и автопарк."


def write_approval_requests(ctx: Context) -> int:
    """Plant the requests of PLANNED on open deals (one per client) of the story team and another team; how many."""
    people = {user.username: user for user in User.objects.filter(username__in=list(stories.FIXED_USERS))}
    if not {"manager", "senior", "head", "underwriter"} <= people.keys():
        return 0
    owners = {"manager": people["manager"], **_drawn_owners(people)}
    _forget_stale_notifications()
    written = 0
    with transaction.atomic():
        used: set[int] = set()
        for index, planned in enumerate(PLANNED):
            owner = owners.get(planned.owner)
            deal = _open_deal(owner, used) if owner is not None else None
            if owner is not None and deal is not None:
                _plant(ctx, index, planned, deal, owner, people)
                used.add(deal.client_id)
                written += 1
    return written


def _drawn_owners(people: dict[str, User]) -> dict[str, User]:
    """A teammate of `manager` in the story team, and a manager of another team (first by login)."""
    managers = User.objects.filter(role="manager", is_active=True, team__isnull=False).order_by("username")
    story_team = people["manager"].team_id or 0
    found = {
        "teammate": managers.filter(team_id=story_team).exclude(username="manager").first(),
        "other": managers.exclude(Q(team_id=story_team) | Q(team__lead__isnull=True)).first(),
    }
    return {key: user for key, user in found.items() if user is not None}


def _open_deal(owner: User, used: set[int]) -> Deal | None:
    """The owner's first open deal without a discount (natural order), of a client not planted yet."""
    deals = Deal.objects.filter(manager=owner, status=DealStatus.OPEN, granted_discount_rate__isnull=True)
    deals = deals.exclude(client_id__in=used).select_related("client", "product")
    return deals.order_by("client__inn", "product__name", "created_at").first()


def _forget_stale_notifications() -> None:
    """Notifications about requests a reset deleted would link nowhere."""
    live = {f"approval:{pk}:" for pk in ApprovalRequest.objects.values_list("pk", flat=True)}
    stale = [
        pk
        for pk, key in Notification.objects.filter(key__startswith="approval:").values_list("pk", "key")
        if not any(key.startswith(prefix) for prefix in live)
    ]
    Notification.objects.filter(pk__in=stale).delete()


def _plant(ctx: Context, index: int, planned: Planned, deal: Deal, owner: User, people: dict[str, User]) -> None:
    rng = ctx.rng_for("approval-request", index)
    rate = Decimal(planned.rate)
    route = route_for(requester=owner, deal=deal, rate=rate, special_terms=planned.special_terms, on_date=ctx.today)
    if route.level is None or route.approver is None:  # within the owner's own limit: nothing to approve
        return
    submitted_at = at_work_hours(rng, ctx.today - planned.days_ago * DAY)
    request = ApprovalRequest.objects.create(
        deal=deal, requested_by=owner, discount_rate=rate, special_terms=planned.special_terms,
        justification=JUSTIFICATION, state=ApprovalState.SUBMITTED, route=route.level, approver=route.approver,
        requester_limit_rate=route.requester_limit_rate, rule_version=route.rule_version, breaks_rule=route.breaks_rule,
        created_at=submitted_at, submitted_at=submitted_at,
    )  # fmt: skip
    record_event(actor=owner, action="approval.submitted", subject=request, changes={"state": [None, "submitted"]})
    if planned.state == ApprovalState.SUBMITTED:
        _tell(route.approver, request, "submitted:1", "Ждёт вашего решения")
    else:
        decided_at = min(submitted_at + datetime.timedelta(hours=rng.randint(2, 30)), _end_of(ctx.today))
        _decide(request, planned, owner, decided_at)
    _thread(request, planned, people, submitted_at)


def _end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=MOSCOW)


def _decide(request: ApprovalRequest, planned: Planned, owner: User, decided_at: datetime.datetime) -> None:
    decider = owner if planned.state == ApprovalState.WITHDRAWN else request.approver
    request.state, request.decided_by, request.decided_at = planned.state, decider, decided_at
    request.decision_comment = planned.comment
    if request.breaks_rule and planned.state == ApprovalState.APPROVED:
        request.override_reason = "Ключевой клиент; решение начальника отдела."
    if planned.state == ApprovalState.APPROVED:
        deal = request.deal
        deal.requested_discount_rate = deal.granted_discount_rate = request.discount_rate
        deal.updated_at = decided_at
        deal.save(update_fields=["requested_discount_rate", "granted_discount_rate", "updated_at"])
        request.frozen_terms = deal_terms(deal, request.special_terms)
    request.save()
    changes = {"state": ["submitted", planned.state], "decision_comment": ["", planned.comment]}
    record_event(actor=decider, action=f"approval.{planned.state}", subject=request, changes=changes)
    if planned.state != ApprovalState.WITHDRAWN:
        _tell(owner, request, f"{planned.state}:1", str(ApprovalState(planned.state).label))


def _tell(person: User, request: ApprovalRequest, key: str, what: str) -> None:
    title = f"{what}: запрос №{request.pk}, {format_percent(request.discount_rate)} — {request.deal.client}"[:200]
    notify(
        recipient=person, key=f"approval:{request.pk}:{key}", title=title, url=f"/approvals/{request.pk}/", email=False
    )


def _thread(request: ApprovalRequest, planned: Planned, people: dict[str, User], since: datetime.datetime) -> None:
    if not planned.thread:
        return
    thread = Thread.objects.create(
        content_type=ContentType.objects.get_for_model(ApprovalRequest), object_id=request.pk, created_at=since
    )
    for number, (login, text, verdict) in enumerate(planned.thread, start=1):
        author = people[login]
        message = Message.objects.create(
            thread=thread,
            author=author,
            body=text,
            verdict=verdict,
            created_at=since + number * datetime.timedelta(hours=3),
        )
        if "@underwriter" in text:
            message.mentions.set([people["underwriter"]])
            ThreadGrant.objects.create(
                thread=thread,
                user=people["underwriter"],
                granted_by=author,
                message=message,
                granted_at=message.created_at,
            )
