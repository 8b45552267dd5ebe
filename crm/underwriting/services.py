"""Use cases of underwriting decisions: the underwriting system's upserts of acceptances and refusals.

A decision references the CRM deal by its id (`deal_id`: the underwriting system receives requests from
the CRM with it) and the underwriter by login (`underwriter_login`, optional). Audited as
`underwriting_decision.created|updated`.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.roles import Role
from crm.core.upserts import (
    BatchResult,
    BatchUpserter,
    InvalidItem,
    ItemErrors,
    UpsertResult,
    check_source,
    index_by,
    keys_of,
    resolve,
)
from crm.org.models import User
from crm.pipeline.models import Deal
from crm.underwriting.models import DecisionOutcome, UnderwritingDecision

SOURCE = "underwriting"
PLAIN_FIELDS = ("outcome", "refusal_reason", "comment", "decided_at")
CLOCK_SKEW = datetime.timedelta(hours=1)
MAX_ID = 2**63


class DecisionUpserter(BatchUpserter[UnderwritingDecision]):
    model = UnderwritingDecision
    action_prefix = "underwriting_decision"
    fields = ("deal", "underwriter", *PLAIN_FIELDS)
    names = {"deal": "deal_id", "underwriter": "underwriter_login"}
    required = ("deal_id", "outcome", "decided_at")
    select_related = ("deal", "underwriter")

    def load_references(self, items: list[Mapping[str, Any]]) -> None:
        ids = {key for key in keys_of(items, "deal_id") if isinstance(key, int) and 0 < key < MAX_ID}
        self.deals = index_by(Deal.objects.filter(pk__in=ids), "pk")
        logins = keys_of(items, "underwriter_login")
        self.underwriters = index_by(User.objects.filter(username__in=logins), "username")

    def assign(self, instance: UnderwritingDecision, data: Mapping[str, Any], errors: ItemErrors) -> None:
        for name in PLAIN_FIELDS:
            if name in data:
                setattr(instance, name, data[name])
        resolve(instance, "deal", data, "deal_id", self.deals, errors, _("Сделка №%(key)s не найдена."))
        message = _("Пользователь с логином «%(key)s» не найден.")
        resolve(instance, "underwriter", data, "underwriter_login", self.underwriters, errors, message)

    def check(self, instance: UnderwritingDecision, errors: ItemErrors) -> None:
        refused = instance.outcome == DecisionOutcome.REFUSED
        if refused and not instance.refusal_reason:
            errors.add("refusal_reason", _("Для отказа укажите причину."))
        if not refused and instance.refusal_reason:
            errors.add("refusal_reason", _("Причина отказа указывается только при отказе."))
        underwriter = instance.underwriter
        if underwriter is not None and underwriter.role not in (Role.UNDERWRITER, Role.RISK_MANAGER):
            errors.add("underwriter", _("Пользователь «%(login)s» не андеррайтер.") % {"login": underwriter.username})
        if instance.decided_at > timezone.now() + CLOCK_SKEW:
            errors.add("decided_at", _("Дата решения ещё не наступила."))
        elif timezone.localdate(instance.decided_at) < timezone.localdate(instance.deal.created_at):
            errors.add("decided_at", _("Решение раньше создания сделки (%(day)s).") % {
                "day": f"{timezone.localdate(instance.deal.created_at):%d.%m.%Y}"
            })  # fmt: skip


def upsert_decisions(
    *, actor: Any, source: str, items: Sequence[Mapping[str, Any] | InvalidItem], atomic: bool = False
) -> BatchResult:
    """Create or update underwriting decisions by the underwriting system's external id."""
    check_source(source, SOURCE)
    return DecisionUpserter(actor=actor, items=items, atomic=atomic).run()


def upsert_decision(*, actor: Any, source: str, data: Mapping[str, Any]) -> UpsertResult:
    """One decision: the batch of one."""
    return upsert_decisions(actor=actor, source=source, items=[data]).results[0]
