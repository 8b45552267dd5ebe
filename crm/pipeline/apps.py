from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "crm.pipeline"
    label = "pipeline"
    verbose_name = "Воронка продаж"
