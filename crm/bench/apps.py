from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """`make bench`: times every key screen and figure and checks the figures against references."""

    name = "crm.bench"
    label = "bench"
    verbose_name = _("Замеры производительности")
