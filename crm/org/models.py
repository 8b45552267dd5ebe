"""The sales department's structure: regions, teams, people and their discount limits."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.roles import Role

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class Region(models.Model):
    """A sales region (Москва, Северо-Запад…): the top level of the hierarchy under the company."""

    name = models.CharField(_("название"), max_length=120, unique=True)
    code = models.CharField(_("код"), max_length=16, unique=True)

    class Meta:
        verbose_name = _("регион")
        verbose_name_plural = _("регионы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A sales team (команда) in a region, led by one senior manager."""

    name = models.CharField(_("название"), max_length=120)
    region = models.ForeignKey(Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="teams")
    lead = models.ForeignKey(
        "org.User",
        verbose_name=_("руководитель"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("команда")
        verbose_name_plural = _("команды")
        ordering = ["region__name", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="team_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person of the department or a neighbouring one, with exactly one role.

    Sales people belong to a team (and through it to a region); the head of sales and other departments
    do not. `discount_limit_rate` overrides the role's limit for this person when set.
    """

    role = models.CharField(_("роль"), max_length=32, choices=Role.choices, default=Role.MANAGER)
    team = models.ForeignKey(
        Team, verbose_name=_("команда"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    discount_limit_rate = models.DecimalField(
        _("личный лимит скидки"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=RATE_VALIDATORS,
        help_text=_("Доля, например 0,15 = 15 %. Пусто — действует лимит роли."),
    )

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["role"])]

    def __str__(self) -> str:
        return self.short_name

    @property
    def short_name(self) -> str:
        """«Иванов И. П.» — how Russian business documents name a person."""
        if not self.last_name:
            return self.username
        initials = "".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip()

    @property
    def is_head(self) -> bool:
        return self.role == Role.HEAD_OF_SALES

    @property
    def is_senior(self) -> bool:
        return self.role == Role.SENIOR_MANAGER

    @property
    def is_sales_manager(self) -> bool:
        return self.role == Role.MANAGER

    def discount_limit(self) -> Decimal:
        """The largest discount this person may grant without escalation, as a fraction."""
        if self.discount_limit_rate is not None:
            return self.discount_limit_rate
        limit = RoleDiscountLimit.objects.filter(role=self.role).values_list("limit_rate", flat=True).first()
        return limit if limit is not None else Decimal("0")


class RoleDiscountLimit(models.Model):
    """The default discount a role may grant on its own authority (e.g. manager 5 %, senior 10 %)."""

    role = models.CharField(_("роль"), max_length=32, choices=Role.choices, unique=True)
    limit_rate = models.DecimalField(_("лимит скидки"), max_digits=5, decimal_places=4, validators=RATE_VALIDATORS)

    class Meta:
        verbose_name = _("лимит скидки роли")
        verbose_name_plural = _("лимиты скидок ролей")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.limit_rate:.0%}"
