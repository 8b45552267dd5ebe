"""Reference data every installation starts with: the product lines and the catalogue of risks."""

from typing import Any

PRODUCT_LINES = [
    ("property", "Имущество"),
    ("kasko", "КАСКО"),
    ("osago_fleet", "ОСАГО автопарков"),
    ("cargo", "Грузы"),
    ("liability", "Ответственность"),
    ("dms", "ДМС"),
    ("accident", "НС"),
    ("construction", "СМР"),
    ("dno", "D&O"),
    ("cyber", "Киберриски"),
    ("esg", "ESG / экологические риски"),
]

# (code, name, product line code or None when no line covers it yet)
RISKS = [
    ("fire", "Пожар", "property"),
    ("flood", "Затопление", "property"),
    ("theft", "Кража и грабёж", "property"),
    ("business_interruption", "Перерыв в производстве", "property"),
    ("vehicle_damage", "Ущерб ТС", "kasko"),
    ("vehicle_theft", "Угон ТС", "kasko"),
    ("motor_tpl", "ОСАГО", "osago_fleet"),
    ("cargo_loss", "Утрата груза", "cargo"),
    ("cargo_damage", "Повреждение груза", "cargo"),
    ("general_liability", "Общая гражданская ответственность", "liability"),
    ("product_liability", "Ответственность за продукцию", "liability"),
    ("carrier_liability", "Ответственность перевозчика", "liability"),
    ("outpatient", "Амбулаторная помощь", "dms"),
    ("inpatient", "Стационар", "dms"),
    ("dental", "Стоматология", "dms"),
    ("accident_death", "НС: смерть и инвалидность", "accident"),
    ("construction_all_risks", "Строительно-монтажные риски", "construction"),
    ("directors_liability", "Ответственность директоров (D&O)", "dno"),
    ("data_breach", "Утечка данных", "cyber"),
    ("ransomware", "Вымогательское ПО", "cyber"),
    ("environmental_damage", "Экологический ущерб", "esg"),
    ("climate_transition", "Климатические риски перехода", None),
    ("crypto_assets", "Цифровые активы", None),
    ("drone_liability", "Ответственность эксплуатантов БПЛА", None),
    ("trade_credit", "Торговые кредиты (дебиторская задолженность)", None),
]


def load_reference_data(apps: Any) -> None:
    """Create the reference rows that are missing (used by the data migration and by test set-up)."""
    ProductLine = apps.get_model("catalog", "ProductLine")
    Risk = apps.get_model("catalog", "Risk")
    lines: dict[str | None, Any] = {}
    for position, (code, name) in enumerate(PRODUCT_LINES):
        lines[code], _ = ProductLine.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    for code, name, line_code in RISKS:
        Risk.objects.get_or_create(code=code, defaults={"name": name, "product_line": lines.get(line_code)})
