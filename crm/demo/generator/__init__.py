"""The deterministic demo-data generator: a whole sales department's history with planted stories."""

from crm.demo.generator.config import SCALES, Scale
from crm.demo.generator.reset import reset_business_data
from crm.demo.generator.runner import GenerationReport, generate

__all__ = ["SCALES", "GenerationReport", "Scale", "generate", "reset_business_data"]
