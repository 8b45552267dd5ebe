"""Discount rules: the head of sales caps the discount for a client profile; every edit is a new version.

A rule (`DiscountRule`) is an identity with a name; its terms live in numbered versions
(`DiscountRuleVersion`). Only the latest version of an active rule is in force, and only on the days
from `starts_on` to `ends_on` (both inclusive). Earlier versions stay for the history and for the deals
that recorded them (`pipeline.Deal.discount_rule_version`).

Conditions (docs/metrics.md, «Правила скидок»): a condition left empty matches every client; the
turnover range is `turnover_from_amount ≤ turnover < turnover_to_amount`; a client attribute the card
does not have (turnover and so segment, industry, region) meets the condition — a blank field on the
card must not be a way around a limit. Rules only ever lower the maximum, so this errs on the safe side.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.clients.models import Client
from crm.core.money import NBSP

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class StrategicCondition(models.TextChoices):
    ANY = "any", _("Любые клиенты")
    YES = "yes", _("Только стратегические")
    NO = "no", _("Только нестратегические")


def rate_text(rate: Decimal) -> str:
    """A rate as the rule's messages say it: 0.15 → «15 %», 0.155 → «15,5 %», 0.1575 → «15,75 %»."""
    percent = (Decimal(rate) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{percent:f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}{NBSP}%"


@dataclass(frozen=True)
class RuleConditions:
    """Whom a rule limits: the client profile and product lines; an empty set or None matches everything."""

    industry_ids: frozenset[int] = frozenset()
    turnover_from_amount: Decimal | None = None
    turnover_to_amount: Decimal | None = None
    segments: frozenset[str] = frozenset()
    region_ids: frozenset[int] = frozenset()
    strategic: str = StrategicCondition.ANY
    product_line_ids: frozenset[int] = frozenset()

    def matches(self, client: Client, product_line_id: int) -> bool:
        """Whether a deal of `client` for a product of this line falls under the conditions."""
        if self.product_line_ids and product_line_id not in self.product_line_ids:
            return False
        if self.strategic != StrategicCondition.ANY and client.is_strategic != (self.strategic == "yes"):
            return False
        if self.region_ids and client.region_id is not None and client.region_id not in self.region_ids:
            return False
        if self.segments and client.segment and client.segment not in self.segments:
            return False
        return self._turnover_matches(client.turnover_amount) and self._industry_matches(client)

    def _turnover_matches(self, turnover: Decimal | None) -> bool:
        if turnover is None:
            return True
        above_floor = self.turnover_from_amount is None or turnover >= self.turnover_from_amount
        return above_floor and (self.turnover_to_amount is None or turnover < self.turnover_to_amount)

    def _industry_matches(self, client: Client) -> bool:
        """The client's industry or its ОКВЭД section (a rule on «Транспорт» covers «Логистика»)."""
        if not self.industry_ids or client.industry is None or client.industry.pk in self.industry_ids:
            return True
        parent_id = client.industry.parent_id
        return parent_id is not None and parent_id in self.industry_ids

    def unknown_attributes(self, client: Client) -> list[str]:
        """The conditions the client meets only because its card lacks the attribute (said in the message)."""
        unknown = []
        if (self.turnover_from_amount is not None or self.turnover_to_amount is not None or self.segments) and (
            client.turnover_amount is None
        ):
            unknown.append(str(_("годовой оборот")))
        if self.industry_ids and client.industry_id is None:
            unknown.append(str(_("отрасль")))
        if self.region_ids and client.region_id is None:
            unknown.append(str(_("регион")))
        return unknown

    def client_q(self, prefix: str = "") -> Q:
        """The same conditions as a filter on clients (`prefix` = "client__" for deals): database-side matching."""
        q = Q()
        if self.industry_ids:
            ids = sorted(self.industry_ids)
            q &= (
                Q(**{f"{prefix}industry__in": ids})
                | Q(**{f"{prefix}industry__parent__in": ids})
                | Q(**{f"{prefix}industry__isnull": True})
            )
        if self.turnover_from_amount is not None:
            q &= Q(**{f"{prefix}turnover_amount__gte": self.turnover_from_amount}) | Q(
                **{f"{prefix}turnover_amount__isnull": True}
            )
        if self.turnover_to_amount is not None:
            q &= Q(**{f"{prefix}turnover_amount__lt": self.turnover_to_amount}) | Q(
                **{f"{prefix}turnover_amount__isnull": True}
            )
        if self.segments:
            q &= Q(**{f"{prefix}segment__in": sorted(self.segments)}) | Q(**{f"{prefix}segment": ""})
        if self.region_ids:
            q &= Q(**{f"{prefix}region__in": sorted(self.region_ids)}) | Q(**{f"{prefix}region__isnull": True})
        if self.strategic != StrategicCondition.ANY:
            q &= Q(**{f"{prefix}is_strategic": self.strategic == StrategicCondition.YES})
        return q

    def deal_q(self) -> Q:
        """The conditions as a filter on deals: their client and their product's line."""
        q = self.client_q("client__")
        if self.product_line_ids:
            q &= Q(product__product_line__in=sorted(self.product_line_ids))
        return q


class DiscountRule(models.Model):
    """A limit on discounts the head of sales sets for a client profile (правило скидок); terms in versions."""

    name = models.CharField(_("название"), max_length=200, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("автор"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("создано"))
    is_active = models.BooleanField(_("действует"), default=True)
    deactivated_at = models.DateTimeField(_("отключено"), null=True, blank=True)

    class Meta:
        verbose_name = _("правило скидок")
        verbose_name_plural = _("правила скидок")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DiscountRuleVersion(models.Model):
    """One version of a rule's terms: conditions, maximum discount, message and dates. Never changed once saved."""

    rule = models.ForeignKey(DiscountRule, verbose_name=_("правило"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("версия"))
    industries = models.ManyToManyField("clients.Industry", verbose_name=_("отрасли"), blank=True, related_name="+")
    turnover_from_amount = models.DecimalField(
        _("оборот от, ₽ (включительно)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    turnover_to_amount = models.DecimalField(
        _("оборот до, ₽ (не включая)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    segments = models.JSONField(_("сегменты"), default=list, blank=True)
    regions = models.ManyToManyField("org.Region", verbose_name=_("регионы"), blank=True, related_name="+")
    strategic = models.CharField(
        _("стратегические клиенты"), max_length=4, choices=StrategicCondition.choices, default=StrategicCondition.ANY
    )
    product_lines = models.ManyToManyField(
        "catalog.ProductLine", verbose_name=_("виды страхования"), blank=True, related_name="+"
    )
    max_discount_rate = models.DecimalField(
        _("максимальная скидка"), max_digits=5, decimal_places=4, validators=RATE_VALIDATORS
    )
    message = models.TextField(_("сообщение менеджеру"))
    starts_on = models.DateField(_("действует с"))
    ends_on = models.DateField(_("действует по"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("автор версии"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"))

    class Meta:
        verbose_name = _("версия правила скидок")
        verbose_name_plural = _("версии правил скидок")
        ordering = ["rule", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="discount_rule_version_unique_number"),
            models.CheckConstraint(
                condition=Q(max_discount_rate__gte=0, max_discount_rate__lte=1), name="discount_rule_max_rate_0_1"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="discount_rule_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(turnover_from_amount__isnull=True)
                | Q(turnover_to_amount__isnull=True)
                | Q(turnover_to_amount__gt=models.F("turnover_from_amount")),
                name="discount_rule_turnover_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} — {_('версия')} {self.number}"

    def conditions(self) -> RuleConditions:
        """The version's conditions (reads the prefetched industries, regions and lines)."""
        return RuleConditions(
            industry_ids=frozenset(item.pk for item in self.industries.all()),
            turnover_from_amount=self.turnover_from_amount,
            turnover_to_amount=self.turnover_to_amount,
            segments=frozenset(self.segments or []),
            region_ids=frozenset(item.pk for item in self.regions.all()),
            strategic=self.strategic,
            product_line_ids=frozenset(item.pk for item in self.product_lines.all()),
        )
