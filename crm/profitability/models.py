"""The head of sales' settings of the explainable toxic-client score (one row, changed only through a service)."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SETTINGS_PK = 1
POSITIVE = [MinValueValidator(Decimal("0.01"))]
POSITIVE_RATE = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))]
WEIGHT_VALIDATORS = [MaxValueValidator(100)]


def _weight(label: Any, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, default=default, validators=WEIGHT_VALIDATORS)


class ToxicScoreSettings(models.Model):
    """How the toxic-client score is computed: the window, the guards against noise, thresholds and weights.

    A component counts when the client's figure reaches its threshold (the loss-ratio and claim-frequency
    components only with enough exposure and earned premium, the discount ones with enough deals, the payment
    ones with enough instalments): it adds weight × figure ÷ threshold, at most twice its weight. A client is
    toxic when the sum reaches `score_threshold`. The defaults: losses alone (at most 2 × (12 + 8) = 40) do
    not make a client toxic, they show in the LTV and loss-ratio reports; losses with complaints, complaints
    at twice their threshold, or discount pressure with late payments do.
    There is one row (pk 1), created with the defaults by a data migration; the head of sales changes it.
    """

    window_months = models.PositiveSmallIntegerField(
        _("окно оценки, мес."), default=36, validators=[MinValueValidator(3), MaxValueValidator(60)]
    )
    min_exposure_years = models.DecimalField(
        _("минимальная экспозиция, договоро-лет"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_earned_premium_amount = models.DecimalField(
        _("минимальная заработанная премия, ₽"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("100000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_deals = models.PositiveSmallIntegerField(_("минимум сделок для оценки скидок"), default=5)
    min_instalments = models.PositiveSmallIntegerField(_("минимум платежей для оценки просрочек"), default=8)

    loss_ratio_threshold = models.DecimalField(
        _("порог убыточности"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=POSITIVE,
    )
    loss_ratio_weight = _weight(_("вес убыточности"), 12)
    claim_frequency_threshold = models.DecimalField(
        _("порог частоты убытков, раз к норме"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=POSITIVE,
    )
    claim_frequency_weight = _weight(_("вес частоты убытков"), 8)
    complaints_threshold = models.PositiveSmallIntegerField(
        _("порог жалоб за окно"), default=4, validators=[MinValueValidator(1)]
    )
    complaints_weight = _weight(_("вес жалоб"), 25)
    discount_share_threshold = models.DecimalField(
        _("порог доли сделок с запросом скидки"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.7500"),
        validators=POSITIVE_RATE,
    )
    discount_share_weight = _weight(_("вес доли запросов скидки"), 15)
    discount_requested_threshold = models.DecimalField(
        _("порог средней запрошенной скидки"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.2000"),
        validators=POSITIVE_RATE,
    )
    discount_requested_weight = _weight(_("вес запрошенной скидки"), 10)
    late_share_threshold = models.DecimalField(
        _("порог доли платежей с просрочкой"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.5000"),
        validators=POSITIVE_RATE,
    )
    late_share_weight = _weight(_("вес доли просрочек"), 15)
    delay_days_threshold = models.DecimalField(
        _("порог средней просрочки, дней"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("30.0"),
        validators=POSITIVE,
    )
    delay_days_weight = _weight(_("вес средней просрочки"), 10)
    score_threshold = models.PositiveSmallIntegerField(
        _("порог «токсичности», баллов"), default=50, validators=[MinValueValidator(1), MaxValueValidator(1400)]
    )

    updated_at = models.DateTimeField(_("изменено"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кем изменено"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("настройки оценки «токсичности»")
        verbose_name_plural = _("настройки оценки «токсичности»")
        constraints = [models.CheckConstraint(condition=Q(pk=SETTINGS_PK), name="toxic_score_settings_single_row")]

    def __str__(self) -> str:
        return str(_("Настройки оценки «токсичности»"))


def current_score_settings() -> ToxicScoreSettings:
    """The saved settings, or the defaults when the row is missing (e.g. a database flushed by a test)."""
    return ToxicScoreSettings.objects.filter(pk=SETTINGS_PK).first() or ToxicScoreSettings(pk=SETTINGS_PK)
