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


# --- The snapshot of the default windows (docs/decisions/0009-profitability-snapshot.md) -------------------------
#
# The reports' sums over the standard windows for one `today`, per client and product line, kept so that the pages
# read a few thousand rows instead of earning 60 000 contracts and grouping 670 000 claim lines on every request.
# Rows are written only by `crm.profitability.queries.snapshot` (INSERT … SELECT from the same ledger statements the
# on-demand reports run, so every figure is equal); database triggers mark the clients whose source rows changed.


class ExactSumField(models.DecimalField):
    """A sum kept exactly as the database computed it: unconstrained `numeric` on PostgreSQL (no rounding to a
    scale), a float on SQLite (where the on-demand sums are floats too).

    The earned premium of a window is Σ premium × cover ÷ term with the division's full precision; a fixed scale
    would round it and the snapshot would no longer equal the on-demand figure.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 40)
        kwargs.setdefault("decimal_places", 20)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "numeric"
        if connection.vendor == "sqlite":
            # SQLite computes these sums as floats; a `decimal` column would store 365000.0 as the integer 365000
            # and a later division by it would be an integer division.
            return "real"
        return super().db_type(connection)


def _client_fk() -> models.ForeignKey[Any, Any]:
    # No database constraint: the snapshot must never block deleting a client (its rows are removed by a refresh).
    return models.ForeignKey(
        "clients.Client", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("клиент")
    )


def _line_fk() -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        "catalog.ProductLine",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("линия продуктов"),
    )


class SnapshotState(models.Model):
    """One row (pk 1): the `today` the snapshot was computed for and its windows; absent = no snapshot."""

    today = models.DateField(_("на дату"))
    ltv_first = models.DateField(_("начало окна LTV"))
    window_first = models.DateField(_("начало окна по умолчанию"))
    refreshed_at = models.DateTimeField(_("пересчитан"))
    clients_count = models.PositiveIntegerField(_("клиентов"), default=0)

    class Meta:
        verbose_name = _("срез прибыльности")
        verbose_name_plural = _("срезы прибыльности")
        constraints = [models.CheckConstraint(condition=Q(pk=SETTINGS_PK), name="profitability_snapshot_single_row")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.today:%d.%m.%Y}"


class LtvEntry(models.Model):
    """A client's sums per product line over the three yearly windows of the LTV (y1 oldest … y3 ending today)."""

    client = _client_fk()
    product_line = _line_fk()
    earned_y1 = ExactSumField()
    commission_y1 = ExactSumField()
    cover_y1 = models.BigIntegerField(default=0)
    n_y1 = models.BigIntegerField(default=0)
    amount_y1 = ExactSumField()
    earned_y2 = ExactSumField()
    commission_y2 = ExactSumField()
    cover_y2 = models.BigIntegerField(default=0)
    n_y2 = models.BigIntegerField(default=0)
    amount_y2 = ExactSumField()
    earned_y3 = ExactSumField()
    commission_y3 = ExactSumField()
    cover_y3 = models.BigIntegerField(default=0)
    n_y3 = models.BigIntegerField(default=0)
    amount_y3 = ExactSumField()
    contracts = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("строка среза LTV")
        verbose_name_plural = _("строки среза LTV")
        indexes = [models.Index(fields=["client"], name="profitability_ltv_client")]

    def __str__(self) -> str:
        return f"LTV {self.client_id}/{self.product_line_id}"


class WindowEntry(models.Model):
    """A client's sums per product line over the default window (36 months ending today: loss ratio, score)."""

    client = _client_fk()
    product_line = _line_fk()
    earned_w = ExactSumField()
    commission_w = ExactSumField()
    cover_w = models.BigIntegerField(default=0)
    n_w = models.BigIntegerField(default=0)
    amount_w = ExactSumField()
    contracts = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("строка среза за окно")
        verbose_name_plural = _("строки среза за окно")
        indexes = [models.Index(fields=["client"], name="profitability_window_client")]

    def __str__(self) -> str:
        return f"W {self.client_id}/{self.product_line_id}"


class LtvClient(models.Model):
    """A client's LTV figures (all product lines): the `LtvEntry` rows summed by the LTV statement's own formulas."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="+"
    )
    earned = ExactSumField()
    commission = ExactSumField()
    incurred = ExactSumField()
    claims = ExactSumField()
    cover = ExactSumField()
    ltv_y1 = ExactSumField()
    ltv_y2 = ExactSumField()
    ltv_y3 = ExactSumField()
    ltv = ExactSumField()
    contracts = ExactSumField()
    ranked = models.BooleanField(default=False)
    """Business in the window (a contract with cover or a claim): ranked by the LTV report."""

    class Meta:
        verbose_name = _("LTV клиента в срезе")
        verbose_name_plural = _("LTV клиентов в срезе")

    def __str__(self) -> str:
        return f"LTV {self.client_id}"


class WindowClient(models.Model):
    """A client's sums over the default window, all product lines (`WindowEntry` summed by client)."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="+"
    )
    earned_w = ExactSumField()
    commission_w = ExactSumField()
    cover_w = ExactSumField()
    n_w = ExactSumField()
    amount_w = ExactSumField()
    contracts = ExactSumField()
    cover_freq = ExactSumField()
    """Σ over the client's lines of cover days × the line's claim frequency (÷ 365 = the expected claims)."""

    class Meta:
        verbose_name = _("клиент в срезе за окно")
        verbose_name_plural = _("клиенты в срезе за окно")

    def __str__(self) -> str:
        return f"W {self.client_id}"


class LineNorm(models.Model):
    """The company's claims and cover days per product line over the default window (the claim-frequency norm)."""

    product_line = _line_fk()
    claims = models.BigIntegerField()
    cover = models.BigIntegerField()

    class Meta:
        verbose_name = _("норма частоты убытков")
        verbose_name_plural = _("нормы частоты убытков")

    def __str__(self) -> str:
        return f"{self.product_line_id}: {self.claims}/{self.cover}"


class ClientBehaviour(models.Model):
    """A client's behaviour over the default window (NULL = nothing of that kind, as the on-demand joins give)."""

    client = models.OneToOneField(
        "clients.Client",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
        verbose_name=_("клиент"),
    )
    deals = models.BigIntegerField(null=True)
    requests = models.BigIntegerField(null=True)
    requested_sum = ExactSumField()
    decided_requests = models.BigIntegerField(null=True)
    granted_sum = ExactSumField()
    rejected = models.BigIntegerField(null=True)
    due = models.BigIntegerField(null=True)
    late = models.BigIntegerField(null=True)
    delay_sum = models.BigIntegerField(null=True)
    complaints = models.BigIntegerField(null=True)
    responses = models.BigIntegerField(null=True)
    promoters = models.BigIntegerField(null=True)
    detractors = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("поведение клиента в срезе")
        verbose_name_plural = _("поведение клиентов в срезе")

    def __str__(self) -> str:
        return f"{self.client_id}"


class DirtyClient(models.Model):
    """A client whose contracts, claims, instalments, deals, complaints or NPS changed since the last refresh.

    Written only by the database triggers (`crm.profitability.triggers`), append-only; a refresh deletes the marks
    it has seen and recomputes those clients.
    """

    client_id = models.BigIntegerField(_("клиент"), db_index=True)

    class Meta:
        verbose_name = _("изменившийся клиент")
        verbose_name_plural = _("изменившиеся клиенты")

    def __str__(self) -> str:
        return f"{self.client_id}"
