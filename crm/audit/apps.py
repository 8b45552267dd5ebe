from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "crm.audit"
    label = "audit"
    verbose_name = "Журнал аудита"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crm.audit.access import JOURNAL_ROLES
        from crm.core.navigation import register

        register("audit:journal", _("Журнал аудита"), JOURNAL_ROLES, position=90)
