"""Use cases of approvals: submit, approve, reject, return, withdraw, resubmit — one function per transition.

Each runs in one transaction, locks the request row (`select_for_update`) and re-checks its state against
`TRANSITIONS`, so two approvers acting at once produce exactly one decision; each writes one audit event
(`approval.<transition>`) and notifies after commit. A refused transition raises ValidationError and
changes nothing. On approval the deal's discount is set to the approved rate and the terms are frozen on
the request; a later change of the deal's terms is recorded as `deal.terms_changed_after_approval`.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.approvals.access import get_request_for, may_decide, may_request_approval, may_withdraw_or_resubmit
from crm.approvals.models import (
    ApprovalRequest,
    ApprovalState,
    RouteLevel,
    Transition,
    deal_terms,
)
from crm.approvals.routing import Route, route_for, rule_check
from crm.audit.services import diff, record_event
from crm.core.money import format_percent
from crm.core.periods import today
from crm.core.roles import Role
from crm.notifications.services import notify
from crm.org.models import User
from crm.pipeline.access import get_deal_for
from crm.pipeline.models import Deal, DealStatus
from crm.pipeline.services import update_deal

RATE_SCALE = Decimal("0.0001")
AUDITED = (
    "state",
    "route",
    "approver",
    "discount_rate",
    "special_terms",
    "justification",
    "rule_version",
    "breaks_rule",
    "decision_comment",
    "override_reason",
    "decided_by",
    "decided_at",
    "frozen_terms",
    "round",
)


def _snapshot(request: ApprovalRequest) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in AUDITED:
        value = getattr(request, name)
        values[name] = str(value) if hasattr(value, "_meta") else value
    if request.discount_rate is not None:
        values["discount_rate"] = Decimal(request.discount_rate).quantize(RATE_SCALE)
    values["rule_version"] = request.rule_version_id
    return values


def _clean_terms(rate: Decimal | None, special_terms: str, justification: str) -> tuple[Decimal | None, str, str]:
    errors: dict[str, str] = {}
    if rate is not None:
        rate = Decimal(rate).quantize(RATE_SCALE)
        if not Decimal(0) < rate < Decimal(1):
            errors["discount_rate"] = _("Скидка — больше 0 и меньше 100 %.")
    special_terms, justification = (special_terms or "").strip(), (justification or "").strip()
    if rate is None and not special_terms and "discount_rate" not in errors:
        errors["discount_rate"] = _("Укажите скидку или особые условия.")
    if not justification:
        errors["justification"] = _("Обоснуйте запрос: что клиент даёт взамен, почему это выгодно.")
    if errors:
        raise ValidationError(errors)
    return rate, special_terms, justification


def _ensure_deal_open(deal: Deal) -> None:
    if deal.status != DealStatus.OPEN:
        raise ValidationError(
            _("Сделка уже закрыта (%(status)s) — согласовывать её условия поздно.")
            % {"status": deal.get_status_display().lower()}
        )


def _title(request: ApprovalRequest, what: str) -> str:
    ask = format_percent(request.discount_rate) if request.discount_rate is not None else _("особые условия")
    return (
        _("%(what)s: запрос №%(pk)s, %(ask)s — %(client)s")
        % {
            "what": what,
            "pk": request.pk,
            "ask": ask,
            "client": request.deal.client,
        }
    )[:200]


def _url(request: ApprovalRequest) -> str:
    return reverse("approvals:detail", args=[request.pk])


def _notify(recipients: list[User], request: ApprovalRequest, key: str, what: str, body: str = "") -> None:
    seen: set[int] = set()
    for person in recipients:
        if person.is_active and person.pk not in seen:
            seen.add(person.pk)
            notify(
                recipient=person,
                key=f"approval:{request.pk}:{key}",
                title=_title(request, what),
                body=body,
                url=_url(request),
            )


def _apply_within_limit(actor: User, deal: Deal, rate: Decimal) -> None:
    """No approval needed: the discount is simply set on the deal (audited there as `deal.updated`)."""
    update_deal(actor=actor, deal=deal, changes={"requested_discount_rate": rate, "granted_discount_rate": rate})


def submit_request(
    *, actor: User, deal: Deal, discount_rate: Decimal | None, special_terms: str = "", justification: str = ""
) -> ApprovalRequest | None:
    """Ask for a discount and/or special terms; None when the discount is within the actor's limit and was applied."""
    if not may_request_approval(actor):
        raise ValidationError(_("Запросить согласование может только сотрудник отдела продаж."))
    rate, special_terms, justification = _clean_terms(discount_rate, special_terms, justification)
    with transaction.atomic():
        deal = get_deal_for(actor, deal.pk, write=True)
        _ensure_deal_open(deal)
        _ensure_no_open_request(deal)
        route = route_for(requester=actor, deal=deal, rate=rate, special_terms=special_terms, on_date=today())
        if not route.needs_approval:
            assert rate is not None  # nothing to approve means a discount within the limit
            _apply_within_limit(actor, deal, rate)
            return None
        now = timezone.now()
        request = ApprovalRequest(
            deal=deal,
            requested_by=actor,
            discount_rate=rate,
            special_terms=special_terms,
            justification=justification,
            created_at=now,
            submitted_at=now,
        )
        _apply_route(request, route)
        request.save()
        record_event(actor=actor, action="approval.submitted", subject=request, changes=diff({}, _filled(request)))
        _notify(
            [request.approver], request, f"submitted:{request.round}", _("Ждёт вашего решения"), request.justification
        )
    return request


def _filled(request: ApprovalRequest) -> dict[str, Any]:
    return {name: value for name, value in _snapshot(request).items() if value not in (None, "", False)}


def _ensure_no_open_request(deal: Deal) -> None:
    open_request = ApprovalRequest.objects.filter(
        deal=deal, state__in=[ApprovalState.SUBMITTED, ApprovalState.RETURNED]
    )
    existing = open_request.values_list("pk", flat=True).first()
    if existing is not None:
        raise ValidationError(
            _("По сделке уже есть открытый запрос №%(pk)s — доработайте или отзовите его.") % {"pk": existing}
        )


def _apply_route(request: ApprovalRequest, route: Route) -> None:
    assert route.level is not None and route.approver is not None
    request.route, request.approver = route.level, route.approver
    request.requester_limit_rate = route.requester_limit_rate
    request.rule_version, request.breaks_rule = route.rule_version, route.breaks_rule


def _lock(actor: User, request: ApprovalRequest, transition: str) -> ApprovalRequest:
    """Re-read the request under a row lock (visible to the actor) and check the transition is allowed now."""
    get_request_for(actor, request.pk)
    locked = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("deal__client", "deal__product", "requested_by__team", "approver", "rule_version__rule")
        .get(pk=request.pk)
    )
    if not locked.allows(transition):
        raise ValidationError(
            _("Запрос №%(pk)s уже в статусе «%(state)s» — действие «%(action)s» невозможно.")
            % {"pk": locked.pk, "state": locked.get_state_display(), "action": Transition(transition).label}
        )
    return locked


def _required_comment(comment: str) -> str:
    text = (comment or "").strip()
    if not text:
        raise ValidationError(
            {"comment": _("Решение принимается с комментарием: напишите, почему и на каких условиях.")}
        )
    return text


def _ensure_decider(actor: User, request: ApprovalRequest) -> None:
    if actor.pk == request.requested_by_id:
        raise ValidationError(_("Нельзя согласовать собственный запрос."))
    if not may_decide(actor, request):
        raise ValidationError(_("Решение по этому запросу принимает %(who)s.") % {"who": request.approver.short_name})


def _decide(actor: User, request: ApprovalRequest, state: str, comment: str) -> None:
    request.state = state
    request.decided_by, request.decided_at = actor, timezone.now()
    request.decision_comment = comment


def _check_rule_at_decision(actor: User, request: ApprovalRequest, override_reason: str) -> str:
    """Re-check the discount rule on the decision day; a broken one needs the head and a reason to override it."""
    version, breaks = rule_check(request.deal, request.discount_rate, today())
    request.rule_version, request.breaks_rule = version, breaks
    reason = (override_reason or "").strip()
    if not breaks:
        return ""
    assert version is not None
    if actor.role != Role.HEAD_OF_SALES:
        raise ValidationError(
            _("Скидка нарушает правило «%(rule)s» (максимум %(max)s): согласовать её может только начальник отдела.")
            % {"rule": version.rule.name, "max": format_percent(version.max_discount_rate)}
        )
    if not reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "Скидка нарушает правило «%(rule)s» (максимум %(max)s): укажите основание для "
                    "отступления от правила."
                )
                % {"rule": version.rule.name, "max": format_percent(version.max_discount_rate)}
            }
        )
    return reason


def _ensure_within_senior_limit(actor: User, request: ApprovalRequest) -> None:
    """A senior manager approves only up to their own limit (it may have changed since the request was routed)."""
    rate = request.discount_rate
    if actor.role == Role.SENIOR_MANAGER and rate is not None and rate > actor.discount_limit():
        raise ValidationError(
            _("Скидка %(rate)s выше вашего лимита %(limit)s — её согласует начальник отдела.")
            % {"rate": format_percent(rate), "limit": format_percent(actor.discount_limit())}
        )


def approve_request(
    *, actor: User, request: ApprovalRequest, comment: str, override_reason: str = ""
) -> ApprovalRequest:
    """Approve: the deal gets the approved discount and the terms are frozen on the request; `approval.approved`."""
    with transaction.atomic():
        locked = _lock(actor, request, Transition.APPROVE)
        before = _snapshot(locked)
        _ensure_decider(actor, locked)
        text = _required_comment(comment)
        # The deal row too, so the frozen premium is the one the discount is written against.
        locked.deal = (
            Deal.objects.select_for_update(of=("self",)).select_related("client", "product").get(pk=locked.deal_id)
        )
        _ensure_deal_open(locked.deal)
        locked.override_reason = _check_rule_at_decision(actor, locked, override_reason)
        _ensure_within_senior_limit(actor, locked)
        _decide(actor, locked, ApprovalState.APPROVED, text)
        deal = locked.deal
        if locked.discount_rate is not None:
            deal.granted_discount_rate = locked.discount_rate
        locked.frozen_terms = deal_terms(deal, locked.special_terms)
        locked.save()
        if locked.discount_rate is not None:
            _grant_discount(actor, locked)
        record_event(actor=actor, action="approval.approved", subject=locked, changes=diff(before, _snapshot(locked)))
        _notify([locked.requested_by], locked, f"approved:{locked.round}", _("Согласовано"), text)
    return locked


def _grant_discount(actor: User, request: ApprovalRequest) -> None:
    """Write the approved rate into the deal.

    Through `update_deal` (which applies the discount rules); a discount the head approved over a rule cannot
    pass those rules, so it is written here under the deal's row lock, audited as `deal.updated` with the
    version overridden.
    """
    rate = request.discount_rate
    if not request.breaks_rule:
        update_deal(
            actor=actor, deal=request.deal, changes={"requested_discount_rate": rate, "granted_discount_rate": rate}
        )
        return
    deal = Deal.objects.select_for_update(of=("self",)).get(pk=request.deal_id)
    fields = ("requested_discount_rate", "granted_discount_rate")
    before = {name: getattr(deal, name) for name in fields} | {"discount_rule_version": deal.discount_rule_version_id}
    deal.requested_discount_rate = deal.granted_discount_rate = rate
    deal.discount_rule_version = request.rule_version
    deal.updated_at = timezone.now()
    deal.save(update_fields=[*fields, "discount_rule_version", "updated_at"])
    after = {name: rate for name in fields} | {"discount_rule_version": request.rule_version_id}
    record_event(actor=actor, action="deal.updated", subject=deal, changes=diff(before, after))


def reject_request(*, actor: User, request: ApprovalRequest, comment: str) -> ApprovalRequest:
    """Reject with a comment; the deal is not touched; audited `approval.rejected`."""
    return _close(actor, request, Transition.REJECT, ApprovalState.REJECTED, comment, _("Отклонено"))


def return_request(*, actor: User, request: ApprovalRequest, comment: str) -> ApprovalRequest:
    """Return for rework with a comment saying what to change; audited `approval.returned`."""
    return _close(actor, request, Transition.RETURN, ApprovalState.RETURNED, comment, _("Возвращено на доработку"))


def _close(
    actor: User, request: ApprovalRequest, transition: str, state: str, comment: str, what: str
) -> ApprovalRequest:
    with transaction.atomic():
        locked = _lock(actor, request, transition)
        before = _snapshot(locked)
        _ensure_decider(actor, locked)
        text = _required_comment(comment)
        _decide(actor, locked, state, text)
        locked.save()
        changes = diff(before, _snapshot(locked))
        record_event(actor=actor, action=f"approval.{state}", subject=locked, changes=changes)
        _notify([locked.requested_by], locked, f"{state}:{locked.round}", what, text)
    return locked


def withdraw_request(*, actor: User, request: ApprovalRequest, comment: str = "") -> ApprovalRequest:
    """The requester withdraws a request on approval or in rework; audited `approval.withdrawn`."""
    with transaction.atomic():
        locked = _lock(actor, request, Transition.WITHDRAW)
        if not may_withdraw_or_resubmit(actor, locked):
            raise ValidationError(_("Отозвать запрос может только его инициатор."))
        before = _snapshot(locked)
        was_waiting = locked.state == ApprovalState.SUBMITTED
        locked.state = ApprovalState.WITHDRAWN
        locked.decision_comment = (comment or "").strip()
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save()
        record_event(actor=actor, action="approval.withdrawn", subject=locked, changes=diff(before, _snapshot(locked)))
        if was_waiting:
            _notify(
                [locked.approver],
                locked,
                f"withdrawn:{locked.round}",
                _("Отозван инициатором"),
                locked.decision_comment,
            )
    return locked


def resubmit_request(
    *,
    actor: User,
    request: ApprovalRequest,
    discount_rate: Decimal | None,
    special_terms: str = "",
    justification: str = "",
) -> ApprovalRequest:
    """Send a reworked request again (routed anew on the new terms); audited `approval.resubmitted`."""
    rate, special_terms, justification = _clean_terms(discount_rate, special_terms, justification)
    with transaction.atomic():
        locked = _lock(actor, request, Transition.RESUBMIT)
        if not may_withdraw_or_resubmit(actor, locked):
            raise ValidationError(_("Повторно отправить запрос может только его инициатор."))
        _ensure_deal_open(locked.deal)
        before = _snapshot(locked)
        route = route_for(requester=actor, deal=locked.deal, rate=rate, special_terms=special_terms, on_date=today())
        if not route.needs_approval:
            raise ValidationError(
                {"discount_rate": _("Эта скидка в пределах вашего лимита — отзовите запрос и укажите её в сделке.")}
            )
        locked.discount_rate, locked.special_terms, locked.justification = rate, special_terms, justification
        _apply_route(locked, route)
        locked.state, locked.round, locked.submitted_at = ApprovalState.SUBMITTED, locked.round + 1, timezone.now()
        locked.decided_by, locked.decided_at, locked.decision_comment, locked.override_reason = None, None, "", ""
        locked.save()
        record_event(
            actor=actor, action="approval.resubmitted", subject=locked, changes=diff(before, _snapshot(locked))
        )
        _notify(
            [locked.approver],
            locked,
            f"submitted:{locked.round}",
            _("Ждёт вашего решения (повторно)"),
            locked.justification,
        )
    return locked


def record_terms_changed_after_approval(*, deal: Deal, actor: Any, changes: dict[str, Any]) -> None:
    """When a deal's premium or discount moves away from its approved terms: audit it, tell the head and approver."""
    if not {"amount", "granted_discount_rate"} & changes.keys():
        return
    approved = (
        ApprovalRequest.objects.filter(deal=deal, state=ApprovalState.APPROVED)
        .select_related("decided_by", "deal__client")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if approved is None or approved.frozen_terms is None:
        return
    frozen = approved.frozen_terms
    current = deal_terms(deal, frozen.get("special_terms", ""))
    moved = {
        field: [frozen.get(key), current[key]]
        for field, key in (("amount", "written_premium_amount"), ("granted_discount_rate", "discount_rate"))
        if frozen.get(key) != current[key]
    }
    if not moved:
        return
    event = record_event(
        actor=actor,
        action="deal.terms_changed_after_approval",
        subject=deal,
        changes=moved | {"approval_request": [approved.pk, approved.pk]},
    )
    heads = list(User.objects.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("pk"))
    recipients = [person for person in [*heads, approved.decided_by] if person is not None and person.pk != actor.pk]
    _notify(
        recipients,
        approved,
        f"terms-changed:{event.pk}",
        _("Условия изменены после согласования"),
        _("Изменил(а): %(who)s.") % {"who": getattr(actor, "short_name", actor)},
    )


def remind_approvers(*, now: datetime.datetime | None = None) -> int:
    """Remind approvers of requests waiting longer than CRM_APPROVAL_REMINDER_HOURS; once per request per day."""
    now = now or timezone.now()
    hours = int(getattr(settings, "CRM_APPROVAL_REMINDER_HOURS", 24))
    day = timezone.localdate(now)
    waiting = (
        ApprovalRequest.objects.filter(
            state=ApprovalState.SUBMITTED, submitted_at__lte=now - datetime.timedelta(hours=hours)
        )
        .select_related("approver", "deal__client")
        .order_by("submitted_at", "pk")
    )
    sent = 0
    with transaction.atomic():
        heads = list(User.objects.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("pk"))
        for request in waiting:
            recipients = [request.approver] if request.approver.is_active else []
            if not recipients and request.route == RouteLevel.HEAD:
                recipients = [head for head in heads if head.pk != request.requested_by_id]
            waited = (now - request.submitted_at).total_seconds() // 3600
            what = _("Напоминание: ждёт решения %(hours)d ч") % {"hours": waited}
            for person in recipients:
                if notify(
                    recipient=person,
                    key=f"approval:{request.pk}:reminder:{day.isoformat()}",
                    title=_title(request, what),
                    url=_url(request),
                ):
                    sent += 1
    return sent
