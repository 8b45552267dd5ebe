from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "crm.imports"
    label = "imports"
    verbose_name = "Импорт файлов"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crm.core.navigation import register
        from crm.imports.sources import SOURCES

        importers = frozenset(role for source in SOURCES.values() for role in source.roles)
        register("imports:index", _("Импорт файлов"), importers, position=85)
