"""Reference data: industries (ОКВЭД sections and finer industries) and lead sources."""

from typing import Any

# (code, name, ОКВЭД section, parent code or None)
INDUSTRIES = [
    ("agriculture", "Сельское хозяйство", "A", None),
    ("mining", "Добыча полезных ископаемых", "B", None),
    ("manufacturing", "Обрабатывающие производства", "C", None),
    ("food_production", "Пищевое производство", "C", "manufacturing"),
    ("energy", "Энергетика", "D", None),
    ("utilities", "Водоснабжение и утилизация отходов", "E", None),
    ("construction", "Строительство", "F", None),
    ("trade", "Торговля", "G", None),
    ("retail", "Розничная торговля", "G", "trade"),
    ("transport", "Транспорт и хранение", "H", None),
    ("logistics", "Логистика и грузоперевозки", "H", "transport"),
    ("taxi", "Таксопарки", "H", "transport"),
    ("hospitality", "Гостиницы и общепит", "I", None),
    ("it", "Информационные технологии", "J", None),
    ("finance", "Финансы", "K", None),
    ("real_estate", "Операции с недвижимостью", "L", None),
    ("professional_services", "Профессиональные услуги", "M", None),
    ("healthcare", "Здравоохранение", "Q", None),
    ("education", "Образование", "P", None),
]

LEAD_SOURCES = [
    ("website", "Сайт"),
    ("agent", "Агент"),
    ("broker", "Брокер"),
    ("referral", "Рекомендация"),
    ("tender", "Тендер"),
    ("cold_call", "Холодный звонок"),
    ("exhibition", "Выставка"),
    ("campaign", "Кампания"),
]


def load_reference_data(apps: Any) -> None:
    """Create the reference rows that are missing (used by the data migration and by test set-up)."""
    Industry = apps.get_model("clients", "Industry")
    LeadSource = apps.get_model("clients", "LeadSource")
    created: dict[str | None, Any] = {}
    for code, name, section, parent in INDUSTRIES:
        created[code], _ = Industry.objects.get_or_create(
            code=code, defaults={"name": name, "okved_section": section, "parent": created.get(parent)}
        )
    for code, name in LEAD_SOURCES:
        LeadSource.objects.get_or_create(code=code, defaults={"name": name})
