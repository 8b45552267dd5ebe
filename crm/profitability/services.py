"""Changing the toxic-score settings: the head of sales only, validated, in one transaction, audited."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.audit.services import diff, record_event
from crm.org.models import User
from crm.profitability.access import may_edit_score_settings
from crm.profitability.models import SETTINGS_PK, ToxicScoreSettings

EDITABLE_FIELDS = [
    field.name
    for field in ToxicScoreSettings._meta.get_fields()
    if field.concrete and field.name not in {"id", "updated_at", "updated_by"}
]


def _text(settings: ToxicScoreSettings, name: str) -> str:
    """A field's value as the journal shows it: decimals to the field's places (0.75 and 0.7500 are the same)."""
    field, value = ToxicScoreSettings._meta.get_field(name), getattr(settings, name)
    if isinstance(field, models.DecimalField) and value is not None:
        return f"{Decimal(value):.{field.decimal_places}f}"
    return str(value)


def _snapshot(settings: ToxicScoreSettings) -> dict[str, Any]:
    return {name: _text(settings, name) for name in EDITABLE_FIELDS}


def update_score_settings(*, actor: User, values: dict[str, Any]) -> ToxicScoreSettings:
    """Save new weights and thresholds; `ValidationError` (nothing saved) when a value is out of range.

    One audit event `profitability.score_settings_changed` with old → new of every changed field; nothing is
    written when nothing changed.
    """
    if not may_edit_score_settings(actor):
        raise PermissionDenied(_("Настройки оценки меняет только начальник отдела продаж."))
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not settings: {sorted(unknown)}")
    with transaction.atomic():
        settings, _created = ToxicScoreSettings.objects.select_for_update().get_or_create(pk=SETTINGS_PK)
        before = _snapshot(settings)
        for name, value in values.items():
            setattr(settings, name, value)
        settings.full_clean()
        changes = diff(before, _snapshot(settings))
        if not changes:
            return settings
        settings.updated_at, settings.updated_by = timezone.now(), actor
        settings.save()
        record_event(actor=actor, action="profitability.score_settings_changed", subject=settings, changes=changes)
    return settings
