"""Sales plans: a target per month and scope, in roubles and in number of contracts."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PlanScope(models.TextChoices):
    COMPANY = "company", _("Компания")
    REGION = "region", _("Регион")
    TEAM = "team", _("Команда")
    MANAGER = "manager", _("Менеджер")


class SalesPlan(models.Model):
    """The plan for one calendar month and one scope (company, region, team or manager), optionally per line.

    Quarter and year plans are sums of their months (docs/metrics.md). A scope without its own plan has
    none: it is never derived from its parts.
    """

    month = models.DateField(_("месяц"), help_text=_("Первое число месяца"))
    scope = models.CharField(_("уровень"), max_length=8, choices=PlanScope.choices)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("регион"), null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    team = models.ForeignKey(
        "org.Team", verbose_name=_("команда"), null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("менеджер"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plans",
    )
    product_line = models.ForeignKey(
        "catalog.ProductLine",
        verbose_name=_("вид страхования"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plans",
    )
    scope_key = models.CharField(max_length=32, editable=False)
    amount = models.DecimalField(_("план, ₽"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    contracts_count = models.PositiveIntegerField(_("план, договоров"), default=0)

    class Meta:
        verbose_name = _("план продаж")
        verbose_name_plural = _("планы продаж")
        ordering = ["month", "scope_key"]
        # The dashboard reads the plans of a few scopes over a few months (facts.load_plans).
        indexes = [models.Index(fields=["scope_key", "month"], name="plan_scope_month")]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="plan_month_first_day"),
            models.CheckConstraint(
                condition=(
                    Q(scope="company", region__isnull=True, team__isnull=True, manager__isnull=True)
                    | Q(scope="region", region__isnull=False, team__isnull=True, manager__isnull=True)
                    | Q(scope="team", region__isnull=True, team__isnull=False, manager__isnull=True)
                    | Q(scope="manager", region__isnull=True, team__isnull=True, manager__isnull=False)
                ),
                name="plan_scope_matches_target",
            ),
            models.UniqueConstraint(
                fields=["month", "scope_key"], condition=Q(product_line__isnull=True), name="plan_unique_total"
            ),
            models.UniqueConstraint(
                fields=["month", "scope_key", "product_line"],
                condition=Q(product_line__isnull=False),
                name="plan_unique_per_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} {self.scope_key}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.scope_key = self.compute_scope_key()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def compute_scope_key(self) -> str:
        target = {"region": self.region_id, "team": self.team_id, "manager": self.manager_id}.get(self.scope)
        return self.scope if target is None else f"{self.scope}:{target}"
