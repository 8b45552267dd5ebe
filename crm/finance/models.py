"""Money that comes from the finance system: the payment schedule with actual payments, and claims."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Instalment(models.Model):
    """A scheduled premium payment of a contract and, once paid, when and how much was paid."""

    contract = models.ForeignKey(
        "policies.Contract", verbose_name=_("договор"), on_delete=models.CASCADE, related_name="instalments"
    )
    due_on = models.DateField(_("срок оплаты"))
    amount = models.DecimalField(_("сумма по графику, ₽"), max_digits=16, decimal_places=2)
    paid_on = models.DateField(_("дата оплаты"), null=True, blank=True)
    paid_amount = models.DecimalField(_("оплачено, ₽"), max_digits=16, decimal_places=2, default=0)
    external_id = models.CharField(_("ID в учётной системе"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("платёж по графику")
        verbose_name_plural = _("график платежей")
        ordering = ["due_on"]
        indexes = [models.Index(fields=["due_on"])]

    def __str__(self) -> str:
        return f"{self.contract} {self.due_on:%d.%m.%Y}"


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("Заявлен")
    IN_SETTLEMENT = "in_settlement", _("Урегулируется")
    PAID = "paid", _("Выплачен")
    REFUSED = "refused", _("Отказано в выплате")


class Claim(models.Model):
    """A loss reported under a contract: incurred = paid + outstanding reserve, as finance reports it."""

    contract = models.ForeignKey(
        "policies.Contract", verbose_name=_("договор"), on_delete=models.PROTECT, related_name="claims"
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("клиент"), on_delete=models.PROTECT, related_name="claims"
    )
    loss_on = models.DateField(_("дата убытка"))
    reported_on = models.DateField(_("дата заявления"))
    paid_on = models.DateField(_("дата выплаты"), null=True, blank=True)
    incurred_amount = models.DecimalField(_("произошедший убыток, ₽"), max_digits=16, decimal_places=2)
    paid_amount = models.DecimalField(_("выплачено, ₽"), max_digits=16, decimal_places=2, default=0)
    status = models.CharField(_("статус"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED)
    external_id = models.CharField(_("ID в учётной системе"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("страховой случай")
        verbose_name_plural = _("страховые случаи")
        ordering = ["-loss_on"]
        indexes = [models.Index(fields=["client", "loss_on"]), models.Index(fields=["loss_on"])]

    def __str__(self) -> str:
        return f"Убыток {self.loss_on:%d.%m.%Y} по {self.contract}"
