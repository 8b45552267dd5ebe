from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def on_deal_terms_changed(sender: Any, *, deal: Any, actor: Any, changes: dict[str, Any], **kwargs: Any) -> None:
    """Receiver of `crm.pipeline.signals.deal_terms_changed`: flag terms changed after approval."""
    from crm.approvals.services import record_terms_changed_after_approval

    record_terms_changed_after_approval(deal=deal, actor=actor, changes=changes)


class ApprovalsConfig(AppConfig):
    name = "crm.approvals"
    label = "approvals"
    verbose_name = _("Согласование скидок и особых условий")

    def ready(self) -> None:
        from crm.approvals.access import INBOX_ROLES
        from crm.approvals.targets import register_discussion_targets
        from crm.core.navigation import register
        from crm.pipeline.signals import deal_terms_changed

        register("approvals:inbox", _("Согласования"), INBOX_ROLES, position=25)
        register_discussion_targets()
        deal_terms_changed.connect(on_deal_terms_changed, dispatch_uid="approvals.terms_changed_after_approval")
