"""Clients (legal entities and sole proprietors), their contacts and personal-data consents."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.clients.validators import validate_inn, validate_kpp, validate_ogrn

MILLION = Decimal(1_000_000)


class Segment(models.TextChoices):
    """Size class by annual turnover (thresholds of 209-ФЗ for micro/small/medium, the department's above)."""

    MICRO = "micro", _("Микро")
    SMALL = "small", _("Малый")
    MEDIUM = "medium", _("Средний")
    LARGE = "large", _("Крупный")
    KEY = "key", _("Ключевой")


SEGMENT_UPPER_BOUNDS = [
    (Segment.MICRO, 120 * MILLION),
    (Segment.SMALL, 800 * MILLION),
    (Segment.MEDIUM, 2_000 * MILLION),
    (Segment.LARGE, 10_000 * MILLION),
]


def segment_for_turnover(turnover_amount: Decimal | None) -> str:
    """Micro ≤ 120 M ₽, small ≤ 800 M ₽, medium ≤ 2 bn ₽, large ≤ 10 bn ₽, key above."""
    if turnover_amount is None:
        return ""
    for segment, upper in SEGMENT_UPPER_BOUNDS:
        if turnover_amount <= upper:
            return segment
    return Segment.KEY


class Significance(models.TextChoices):
    LOW = "low", _("Обычная")
    MEDIUM = "medium", _("Заметная")
    HIGH = "high", _("Высокая")


class Industry(models.Model):
    """A line of business from a fixed list based on ОКВЭД sections, with finer industries under them."""

    code = models.SlugField(_("код"), max_length=48, unique=True)
    name = models.CharField(_("название"), max_length=160, unique=True)
    okved_section = models.CharField(_("раздел ОКВЭД"), max_length=1)
    parent = models.ForeignKey(
        "self", verbose_name=_("раздел"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("отрасль")
        verbose_name_plural = _("отрасли")
        ordering = ["okved_section", "name"]

    def __str__(self) -> str:
        return self.name


class LeadSource(models.Model):
    """A channel clients and leads come from: сайт, агент, брокер, рекомендация, тендер…"""

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("источник лида")
        verbose_name_plural = _("источники лидов")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClientQuerySet(models.QuerySet["Client"]):
    def search(self, text: str) -> "ClientQuerySet":
        """ИНН by the digits it starts with; otherwise names containing the text in any letter case."""
        text = text.strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(inn__startswith=text)
        # Not icontains: SQLite's LIKE folds only ASCII letters, so «ромаш» would miss «Ромашка». Django runs
        # SQLite's REGEXP through Python's re, which folds Cyrillic too; PostgreSQL's ~* does as well.
        pattern = re.escape(text)
        return self.filter(Q(name__iregex=pattern) | Q(short_name__iregex=pattern))


class Client(models.Model):
    """A company or sole proprietor that buys (or may buy) corporate insurance; owned by one manager."""

    name = models.CharField(_("полное наименование"), max_length=255)
    short_name = models.CharField(_("краткое наименование"), max_length=160, blank=True)
    inn = models.CharField(_("ИНН"), max_length=12, unique=True, validators=[validate_inn])
    kpp = models.CharField(_("КПП"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("ОГРН/ОГРНИП"), max_length=15, blank=True, validators=[validate_ogrn])
    industry = models.ForeignKey(
        Industry, verbose_name=_("отрасль"), null=True, blank=True, on_delete=models.PROTECT, related_name="clients"
    )
    turnover_amount = models.DecimalField(
        _("годовой оборот, ₽"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    headcount = models.PositiveIntegerField(_("численность сотрудников"), null=True, blank=True)
    segment = models.CharField(_("сегмент"), max_length=8, choices=Segment.choices, blank=True, editable=False)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("регион"), null=True, blank=True, on_delete=models.PROTECT, related_name="clients"
    )
    branch_count = models.PositiveIntegerField(_("число филиалов"), default=0)
    significance = models.CharField(
        _("репутационная значимость"), max_length=8, choices=Significance.choices, default=Significance.LOW
    )
    is_strategic = models.BooleanField(_("стратегический клиент"), default=False)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("менеджер"), on_delete=models.PROTECT, related_name="clients"
    )
    lead_source = models.ForeignKey(
        LeadSource, verbose_name=_("источник"), null=True, blank=True, on_delete=models.PROTECT, related_name="clients"
    )
    address = models.CharField(_("адрес"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("создан"))

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("клиент")
        verbose_name_plural = _("клиенты")
        ordering = ["name"]
        indexes = [models.Index(fields=["manager"]), models.Index(fields=["segment"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.segment = segment_for_turnover(self.turnover_amount)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_sole_proprietor(self) -> bool:
        return len(self.inn) == 12

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.is_sole_proprietor and self.kpp:
            errors["kpp"] = _("У индивидуального предпринимателя нет КПП.")
        if self.ogrn and self.inn and len(self.ogrn) == 15 and not self.is_sole_proprietor:
            errors["ogrn"] = _("ОГРНИП (15 цифр) бывает только у ИП; у организации ОГРН из 13 цифр.")
        if self.ogrn and self.inn and len(self.ogrn) == 13 and self.is_sole_proprietor:
            errors["ogrn"] = _("У ИП — ОГРНИП из 15 цифр.")
        if errors:
            raise ValidationError(errors)


class Contact(models.Model):
    """A person at a client: decision maker, accountant, risk manager of the client…"""

    client = models.ForeignKey(Client, verbose_name=_("клиент"), on_delete=models.CASCADE, related_name="contacts")
    full_name = models.CharField(_("ФИО"), max_length=200)
    position = models.CharField(_("должность"), max_length=160, blank=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_decision_maker = models.BooleanField(_("ЛПР"), default=False)

    class Meta:
        verbose_name = _("контактное лицо")
        verbose_name_plural = _("контактные лица")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Consent(models.Model):
    """Consent to personal-data processing under 152-ФЗ: purpose, date, document; withdrawal ends it."""

    client = models.ForeignKey(Client, verbose_name=_("клиент"), on_delete=models.CASCADE, related_name="consents")
    contact = models.ForeignKey(
        Contact, verbose_name=_("субъект ПД"), null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    purpose = models.CharField(_("цель обработки"), max_length=255)
    given_on = models.DateField(_("дата согласия"))
    document = models.CharField(_("документ"), max_length=160)
    withdrawn_on = models.DateField(_("дата отзыва"), null=True, blank=True)

    class Meta:
        verbose_name = _("согласие на обработку ПД")
        verbose_name_plural = _("согласия на обработку ПД")
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.given_on:%d.%m.%Y})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None
