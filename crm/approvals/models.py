"""Requests to approve a discount or special terms on a deal (запросы на согласование) and their decisions."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class ApprovalState(models.TextChoices):
    SUBMITTED = "submitted", _("На согласовании")
    APPROVED = "approved", _("Согласован")
    REJECTED = "rejected", _("Отклонён")
    RETURNED = "returned", _("Возвращён на доработку")
    WITHDRAWN = "withdrawn", _("Отозван")


class Transition(models.TextChoices):
    APPROVE = "approve", _("Согласовать")
    REJECT = "reject", _("Отклонить")
    RETURN = "return", _("Вернуть на доработку")
    WITHDRAW = "withdraw", _("Отозвать")
    RESUBMIT = "resubmit", _("Отправить повторно")


# Every allowed move, and nothing else: (from, transition) → to. Approved, rejected and withdrawn are final.
TRANSITIONS: dict[tuple[str, str], str] = {
    (ApprovalState.SUBMITTED, Transition.APPROVE): ApprovalState.APPROVED,
    (ApprovalState.SUBMITTED, Transition.REJECT): ApprovalState.REJECTED,
    (ApprovalState.SUBMITTED, Transition.RETURN): ApprovalState.RETURNED,
    (ApprovalState.SUBMITTED, Transition.WITHDRAW): ApprovalState.WITHDRAWN,
    (ApprovalState.RETURNED, Transition.RESUBMIT): ApprovalState.SUBMITTED,
    (ApprovalState.RETURNED, Transition.WITHDRAW): ApprovalState.WITHDRAWN,
}
OPEN_STATES = (ApprovalState.SUBMITTED, ApprovalState.RETURNED)


class RouteLevel(models.TextChoices):
    """Who must decide: the requester's team lead (senior manager) or the head of sales."""

    SENIOR = "senior", _("Старший менеджер")
    HEAD = "head", _("Начальник отдела продаж")


class ApprovalRequest(models.Model):
    """A manager's request to approve a discount above their limit and/or special terms on one deal.

    `approver` is who the routing chose (the team lead, or a head of sales); any head of sales may decide
    in their place. `rule_version` is the discount rule that applied when the request was last routed or
    decided; `breaks_rule` marks a discount above it, which only the head may approve with an
    `override_reason`. On approval `frozen_terms` keeps the approved terms (the shape of
    `policies.Contract.current_terms()`); the deal's granted discount is set to the approved rate.
    """

    deal = models.ForeignKey(
        "pipeline.Deal", verbose_name=_("сделка"), on_delete=models.CASCADE, related_name="approval_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("инициатор"), on_delete=models.PROTECT, related_name="+"
    )
    discount_rate = models.DecimalField(
        _("запрошенная скидка"), max_digits=5, decimal_places=4, null=True, blank=True, validators=RATE_VALIDATORS
    )
    special_terms = models.TextField(_("особые условия"), blank=True)
    justification = models.TextField(_("обоснование"))
    state = models.CharField(_("статус"), max_length=12, choices=ApprovalState.choices, default=ApprovalState.SUBMITTED)
    route = models.CharField(_("уровень согласования"), max_length=8, choices=RouteLevel.choices)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("согласующий"), on_delete=models.PROTECT, related_name="+"
    )
    requester_limit_rate = models.DecimalField(
        _("лимит инициатора"), max_digits=5, decimal_places=4, validators=RATE_VALIDATORS
    )
    rule_version = models.ForeignKey(
        "discounts.DiscountRuleVersion",
        verbose_name=_("правило скидок"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    breaks_rule = models.BooleanField(_("нарушает правило скидок"), default=False)
    round = models.PositiveSmallIntegerField(_("подача"), default=1)
    created_at = models.DateTimeField(_("создан"))
    submitted_at = models.DateTimeField(_("отправлен на согласование"), db_index=True)
    decision_comment = models.TextField(_("комментарий к решению"), blank=True)
    override_reason = models.TextField(_("основание для отступления от правила"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто решил"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("когда решено"), null=True, blank=True)
    frozen_terms = models.JSONField(_("согласованные условия"), null=True, blank=True)
    threads = GenericRelation("discussions.Thread", related_query_name="approval_request")

    class Meta:
        verbose_name = _("запрос на согласование")
        verbose_name_plural = _("запросы на согласование")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "route", "submitted_at"]),
            models.Index(fields=["approver", "state"]),
            models.Index(fields=["requested_by", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["deal"], condition=Q(state__in=["submitted", "returned"]), name="approval_one_open_per_deal"
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__isnull=False) | ~Q(special_terms=""), name="approval_asks_for_something"
            ),
            models.CheckConstraint(
                condition=Q(state="approved", frozen_terms__isnull=False)
                | (~Q(state="approved") & Q(frozen_terms__isnull=True)),
                name="approval_terms_frozen_iff_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"Запрос №{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def allows(self, transition: str) -> bool:
        return (self.state, transition) in TRANSITIONS


def deal_terms(deal: Any, special_terms: str) -> dict[str, str]:
    """A deal's current terms in the shape of `Contract.current_terms()`: premium, discount, special terms."""
    rate = deal.granted_discount_rate if deal.granted_discount_rate is not None else Decimal(0)
    return {
        "written_premium_amount": f"{Decimal(deal.amount):.2f}",
        "discount_rate": f"{Decimal(rate):.4f}",
        "special_terms": special_terms,
    }
