"""The default funnel: stages with the probability of winning from each (the head may change them)."""

from decimal import Decimal
from typing import Any

STAGES = [
    ("Квалификация", 1, Decimal("0.10")),
    ("Сбор данных и андеррайтинг", 2, Decimal("0.25")),
    ("Коммерческое предложение", 3, Decimal("0.45")),
    ("Переговоры", 4, Decimal("0.65")),
    ("Согласование договора", 5, Decimal("0.85")),
]


def load_reference_data(apps: Any) -> None:
    """Create the reference rows that are missing (used by the data migration and by test set-up)."""
    Stage = apps.get_model("pipeline", "Stage")
    for name, position, probability in STAGES:
        Stage.objects.get_or_create(position=position, defaults={"name": name, "default_probability": probability})
