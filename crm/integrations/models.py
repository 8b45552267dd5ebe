"""Integration accounts of the systems that feed the CRM, and their API tokens (stored only as hashes)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "crm"  # noqa: S105 (a marker that makes leaked tokens greppable, not a secret)
PREFIX_LENGTH = 8


class SourceSystem(models.TextChoices):
    FINANCE = "finance", _("Учётная (финансовая) система")
    UNDERWRITING = "underwriting", _("Система андеррайтинга")
    SERVICE_DESK = "service_desk", _("Сервис-деск")


class ObjectKind(models.TextChoices):
    """What a feed may write; the API's endpoint names."""

    CONTRACTS = "contracts", _("Договоры")
    INSTALMENTS = "instalments", _("График платежей и оплаты")
    CLAIMS = "claims", _("Страховые случаи")
    UNDERWRITING_DECISIONS = "underwriting_decisions", _("Решения андеррайтинга")
    COMPLAINTS = "complaints", _("Жалобы")
    NPS_RESPONSES = "nps_responses", _("Ответы NPS")


SOURCE_KINDS: dict[str, tuple[str, ...]] = {
    SourceSystem.FINANCE: (ObjectKind.CONTRACTS, ObjectKind.INSTALMENTS, ObjectKind.CLAIMS),
    SourceSystem.UNDERWRITING: (ObjectKind.UNDERWRITING_DECISIONS,),
    SourceSystem.SERVICE_DESK: (ObjectKind.COMPLAINTS, ObjectKind.NPS_RESPONSES),
}


class IntegrationAccount(models.Model):
    """A system that writes to the CRM through the API: its source, the kinds it may write, its tokens.

    Its writes are attributed to a technical user (`user`, inactive: it cannot log in) so that the audit
    journal names the account; `scopes` is a subset of what the source system owns (`SOURCE_KINDS`).
    """

    name = models.CharField(_("название"), max_length=80, unique=True)
    source_system = models.CharField(_("система-источник"), max_length=16, choices=SourceSystem.choices)
    scopes = models.JSONField(_("что может записывать"), default=list)
    is_active = models.BooleanField(_("активна"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("технический пользователь"),
        on_delete=models.PROTECT,
        related_name="integration_account",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("создал"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("интеграционная учётная запись")
        verbose_name_plural = _("интеграционные учётные записи")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def scope_labels(self) -> list[str]:
        return [str(kind.label) for kind in ObjectKind if kind in self.scopes]

    def may_write(self, kind: str) -> bool:
        return self.is_active and kind in self.scopes and kind in SOURCE_KINDS.get(self.source_system, ())


class IntegrationToken(models.Model):
    """A bearer token of an account. Only the SHA-256 of the token is kept; the prefix identifies it."""

    account = models.ForeignKey(
        IntegrationAccount, verbose_name=_("учётная запись"), on_delete=models.PROTECT, related_name="tokens"
    )
    prefix = models.CharField(_("префикс"), max_length=PREFIX_LENGTH, unique=True)
    token_hash = models.CharField(_("SHA-256 токена"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("выпустил"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("выпущен"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("последнее использование"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True)

    class Meta:
        verbose_name = _("токен API")
        verbose_name_plural = _("токены API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{TOKEN_PREFIX}_{self.prefix}_…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


def new_token_secret() -> tuple[str, str]:
    """A fresh token `crm_<prefix>_<secret>` and its prefix; 256 bits of randomness."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def prefix_of(token: str) -> str | None:
    """The prefix of a well-formed token, None for anything else."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != PREFIX_LENGTH or not parts[2]:
        return None
    return parts[1]
