"""What the service desk feeds in: client complaints and NPS responses."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintCategory(models.TextChoices):
    CLAIM_SETTLEMENT = "claims", _("Урегулирование убытков")
    SERVICE_QUALITY = "service", _("Качество обслуживания")
    MANAGER_CONDUCT = "manager", _("Работа менеджера")
    DOCUMENTS = "documents", _("Документы и сроки")
    BILLING = "billing", _("Счета и платежи")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Открыта")
    IN_PROGRESS = "in_progress", _("В работе")
    RESOLVED = "resolved", _("Решена")
    REJECTED = "rejected", _("Отклонена")


class Complaint(models.Model):
    """A client complaint registered by the service desk, attributed to a contract and a manager."""

    client = models.ForeignKey(
        "clients.Client", verbose_name=_("клиент"), on_delete=models.PROTECT, related_name="complaints"
    )
    contract = models.ForeignKey(
        "policies.Contract",
        verbose_name=_("договор"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("менеджер"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    category = models.CharField(_("категория"), max_length=16, choices=ComplaintCategory.choices)
    status = models.CharField(_("статус"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    received_on = models.DateField(_("дата поступления"), db_index=True)
    resolved_on = models.DateField(_("дата решения"), null=True, blank=True)
    text = models.TextField(_("суть жалобы"), blank=True)
    external_id = models.CharField(_("ID в сервис-деске"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("жалоба")
        verbose_name_plural = _("жалобы")
        ordering = ["-received_on"]

    def __str__(self) -> str:
        return f"Жалоба {self.received_on:%d.%m.%Y} — {self.client}"


class NpsResponse(models.Model):
    """One client's answer to «would you recommend us»: 0–10, with an optional comment."""

    client = models.ForeignKey(
        "clients.Client", verbose_name=_("клиент"), on_delete=models.PROTECT, related_name="nps_responses"
    )
    score = models.PositiveSmallIntegerField(_("оценка"), validators=[MaxValueValidator(10)])
    comment = models.TextField(_("комментарий"), blank=True)
    responded_on = models.DateField(_("дата ответа"), db_index=True)
    external_id = models.CharField(_("ID в сервис-деске"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("ответ NPS")
        verbose_name_plural = _("ответы NPS")
        ordering = ["-responded_on"]
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=10), name="nps_score_0_10")]

    def __str__(self) -> str:
        return f"NPS {self.score} — {self.client}"
