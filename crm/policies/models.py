"""Concluded insurance contracts (договоры страхования): what was sold, for how much, for how long."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ContractStatus(models.TextChoices):
    IN_FORCE = "in_force", _("Действует")
    EXPIRED = "expired", _("Истёк")
    TERMINATED = "terminated", _("Расторгнут")
    CANCELLED = "cancelled", _("Аннулирован с начала")


class TerminationReason(models.TextChoices):
    CLIENT_REQUEST = "client_request", _("По инициативе клиента")
    NON_PAYMENT = "non_payment", _("Неоплата взноса")
    RISK_CHANGE = "risk_change", _("Изменение риска")
    ASSET_SOLD = "asset_sold", _("Продажа объекта страхования")
    MOVED_TO_COMPETITOR = "competitor", _("Переход к конкуренту")
    INSURER_INITIATIVE = "insurer", _("По инициативе страховщика")


class ContractQuerySet(models.QuerySet["Contract"]):
    def sold(self) -> "ContractQuerySet":
        """Contracts that count as sales: everything but those cancelled from inception."""
        return self.exclude(status=ContractStatus.CANCELLED)


class Contract(models.Model):
    """A concluded insurance contract: premium, commission, cover dates, and the terms approved for it.

    `approved_terms` is the snapshot frozen by an approval; when the current terms (`discount_rate`,
    `special_terms`, premium) differ from it, the contract is flagged as changed after approval.
    """

    number = models.CharField(_("номер"), max_length=40, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("клиент"), on_delete=models.PROTECT, related_name="contracts"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("продукт"), on_delete=models.PROTECT, related_name="contracts"
    )
    deal = models.ForeignKey(
        "pipeline.Deal",
        verbose_name=_("сделка"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("менеджер"), on_delete=models.PROTECT, related_name="contracts"
    )
    concluded_on = models.DateField(_("дата заключения"), db_index=True)
    starts_on = models.DateField(_("начало действия"))
    ends_on = models.DateField(_("окончание действия"))
    written_premium_amount = models.DecimalField(
        _("начисленная премия, ₽"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    commission_amount = models.DecimalField(
        _("комиссия, ₽"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    discount_rate = models.DecimalField(_("скидка"), max_digits=5, decimal_places=4, default=0)
    special_terms = models.TextField(_("особые условия"), blank=True)
    status = models.CharField(
        _("статус"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.IN_FORCE
    )
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("пролонгация договора"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewed_by",
    )
    terminated_on = models.DateField(_("дата расторжения"), null=True, blank=True)
    termination_reason = models.CharField(
        _("причина расторжения"), max_length=16, choices=TerminationReason.choices, blank=True
    )
    approved_terms = models.JSONField(_("согласованные условия"), null=True, blank=True)
    approved_at = models.DateTimeField(_("условия согласованы"), null=True, blank=True)
    external_id = models.CharField(_("ID в учётной системе"), max_length=64, null=True, blank=True, unique=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("договор страхования")
        verbose_name_plural = _("договоры страхования")
        ordering = ["-concluded_on", "number"]
        indexes = [
            models.Index(fields=["client", "concluded_on"]),
            models.Index(fields=["manager", "concluded_on"]),
            models.Index(fields=["ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_ends_after_start"),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(status="terminated"),
                name="contract_termination_date_only_when_terminated",
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.number}"

    def current_terms(self) -> dict[str, str]:
        """The terms an approval freezes, in the same shape as `approved_terms`."""
        return {
            "written_premium_amount": f"{self.written_premium_amount:.2f}",
            "discount_rate": f"{Decimal(self.discount_rate):.4f}",
            "special_terms": self.special_terms,
        }

    @property
    def terms_changed_after_approval(self) -> bool:
        return self.approved_terms is not None and self.approved_terms != self.current_terms()
