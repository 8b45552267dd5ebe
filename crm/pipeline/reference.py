"""The default funnel: stages with the probability of winning from each (the head may change them)."""

from decimal import Decimal

STAGES = [
    ("Квалификация", 1, Decimal("0.10")),
    ("Сбор данных и андеррайтинг", 2, Decimal("0.25")),
    ("Коммерческое предложение", 3, Decimal("0.45")),
    ("Переговоры", 4, Decimal("0.65")),
    ("Согласование договора", 5, Decimal("0.85")),
]
