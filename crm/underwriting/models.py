"""Underwriting's decisions on deals, refusals with their reasons included."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Принято")
    ACCEPTED_WITH_CONDITIONS = "conditions", _("Принято с условиями")
    REFUSED = "refused", _("Отказ")


class RefusalReason(models.TextChoices):
    HIGH_LOSS_HISTORY = "loss_history", _("Неблагоприятная убыточность")
    RISK_NOT_ACCEPTABLE = "risk", _("Риск вне андеррайтинговой политики")
    INSUFFICIENT_DATA = "data", _("Недостаточно данных")
    PRICE_INADEQUATE = "price", _("Неадекватный тариф")
    SANCTIONS = "sanctions", _("Санкционные ограничения")


class UnderwritingDecision(models.Model):
    """An underwriter's decision on a deal: accept, accept with conditions, or refuse with a reason."""

    deal = models.ForeignKey(
        "pipeline.Deal", verbose_name=_("сделка"), on_delete=models.CASCADE, related_name="underwriting_decisions"
    )
    underwriter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("андеррайтер"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="underwriting_decisions",
    )
    outcome = models.CharField(_("решение"), max_length=12, choices=DecisionOutcome.choices)
    refusal_reason = models.CharField(_("причина отказа"), max_length=16, choices=RefusalReason.choices, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    decided_at = models.DateTimeField(_("дата решения"))
    external_id = models.CharField(_("ID в системе андеррайтинга"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("решение андеррайтинга")
        verbose_name_plural = _("решения андеррайтинга")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="refused") | models.Q(refusal_reason=""),
                name="uw_refusal_reason_only_when_refused",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.deal}"
