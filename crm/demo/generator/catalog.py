"""Products (2–4 per line, Russian names, one pilot) and marketing campaigns."""

import datetime
from decimal import Decimal

from crm.catalog.models import Product
from crm.demo.generator import stories
from crm.demo.generator.context import CampaignInfo, Catalog, Context, ProductInfo
from crm.demo.generator.dates import add_months
from crm.pipeline.models import Campaign

# (line, name, commission, launched: years before history start or "+N" months after it, withdrawn after N months)
PRODUCTS: list[tuple[str, str, str, int | str, int | None]] = [
    ("property", "Имущество предприятий — Базовый", "0.1200", 6, None),
    ("property", "Имущество предприятий — Оптимум", "0.1200", 4, None),
    ("property", "Комплексная защита бизнеса", "0.1500", 2, None),
    ("kasko", "КАСКО автопарков", "0.0800", 7, None),
    ("kasko", "КАСКО Лизинг", "0.0700", 3, None),
    ("kasko", "КАСКО для таксопарков", "0.0600", 2, None),
    ("osago_fleet", "ОСАГО юридических лиц", "0.0500", 8, None),
    ("osago_fleet", "ОСАГО автопарков с телематикой", "0.0500", "+14", None),
    ("cargo", "Грузы — генеральный договор", "0.1200", 6, None),
    ("cargo", "Грузы — разовые перевозки", "0.1000", 5, None),
    ("liability", "Гражданская ответственность предприятия", "0.1500", 7, None),
    ("liability", "Ответственность за качество продукции", "0.1500", 4, None),
    ("liability", "Ответственность перевозчика", "0.1200", 3, None),
    ("dms", "ДМС Стандарт", "0.0500", 9, None),
    ("dms", "ДМС Премиум", "0.0500", 5, None),
    ("dms", "ДМС Региональный", "0.0500", 6, 20),
    ("dms", "ДМС Телемедицина", "0.0600", "+20", None),
    ("accident", "НС сотрудников", "0.1500", 8, None),
    ("accident", "НС водителей и пассажиров", "0.1500", 4, None),
    ("construction", "СМР — строительство объектов", "0.1200", 6, None),
    ("construction", "СМР — монтаж оборудования", "0.1200", 3, None),
    ("dno", "D&O Стандарт", "0.1500", 5, None),
    ("dno", "D&O для публичных компаний", "0.1500", 2, None),
    ("cyber", "Киберриски Корпоративный", "0.1200", 3, None),
    ("cyber", "Киберриски для финансовых организаций", "0.1200", 1, None),
    ("esg", "Экологическая ответственность", "0.1200", 4, None),
    ("esg", "ESG-комплекс", "0.1200", "+18", None),
]
CAMPAIGN_TEMPLATES = [
    ("exhibition", "Выставка «Транспорт и логистика — {year}»", 2, 3),
    ("campaign", "Рассылка «ДМС для ваших сотрудников» {year}", 3, 30),
    ("website", "Вебинар «Киберриски для бизнеса» {year}", 5, 1),
    ("campaign", "Осенняя программа КАСКО для автопарков {year}", 9, 45),
    ("exhibition", "Конференция «Риск-менеджмент в промышленности — {year}»", 10, 2),
    ("campaign", "Рассылка «Продление без визита в офис» {year}", 11, 40),
]


def build_catalog(ctx: Context) -> Catalog:
    """Create the products with their covered risks, the pilot product and the campaigns."""
    infos = [_product_info(ctx, row) for row in PRODUCTS]
    pilot_launch = ctx.today - datetime.timedelta(days=stories.PILOT_AGE_DAYS)
    infos.append(ProductInfo(0, stories.PILOT_PRODUCT, "cyber", pilot_launch, None, Decimal("0.1000"), True))
    created = Product.objects.bulk_create(
        [
            Product(
                product_line_id=ctx.refs.lines[info.line],
                name=info.name,
                is_pilot=info.is_pilot,
                launched_on=info.launched_on,
                is_active=info.withdrawn_on is None,
                base_commission_rate=info.commission_rate,
            )
            for info in infos
        ]
    )
    infos = [_with_id(info, product.pk) for info, product in zip(infos, created, strict=True)]
    _cover_risks(ctx, infos)
    products: dict[str, list[ProductInfo]] = {line: [] for line in ctx.refs.lines}
    for info in infos:
        if not info.is_pilot:
            products[info.line].append(info)
    return Catalog(products, infos[-1], _create_campaigns(ctx))


def _product_info(ctx: Context, row: tuple[str, str, str, int | str, int | None]) -> ProductInfo:
    line, name, commission, launched, withdrawn_after = row
    if isinstance(launched, str):
        launched_on = add_months(ctx.start, int(launched))
    else:
        launched_on = datetime.date(ctx.start.year - launched, 2, 1)
    withdrawn_on = add_months(ctx.start, withdrawn_after) if withdrawn_after else None
    return ProductInfo(0, name, line, launched_on, withdrawn_on, Decimal(commission), False)


def _with_id(info: ProductInfo, pk: int) -> ProductInfo:
    return ProductInfo(
        pk, info.name, info.line, info.launched_on, info.withdrawn_on, info.commission_rate, info.is_pilot
    )


def _cover_risks(ctx: Context, infos: list[ProductInfo]) -> None:
    through = Product.covered_risks.through
    rows = []
    for info in infos:
        codes = list(ctx.refs.risks_by_line[info.line])
        if info.name == "Комплексная защита бизнеса":
            codes.append("general_liability")
        if info.is_pilot:
            codes = ["data_breach"]
        rows += [through(product_id=info.id, risk_id=ctx.refs.risks[code]) for code in codes]
    through.objects.bulk_create(rows)


def _create_campaigns(ctx: Context) -> list[CampaignInfo]:
    rng = ctx.rng_for("campaigns", 0)
    specs = []
    for year in range(ctx.start.year, ctx.today.year + 1):
        for source, template, month, length in CAMPAIGN_TEMPLATES:
            starts_on = datetime.date(year, month, rng.randint(1, 20))
            if starts_on <= ctx.today:
                specs.append(
                    (source, template.format(year=year), starts_on, starts_on + datetime.timedelta(days=length))
                )
    created = Campaign.objects.bulk_create(
        [
            Campaign(
                name=name,
                lead_source_id=ctx.refs.lead_sources[source],
                starts_on=starts_on,
                ends_on=ends_on,
                budget_amount=Decimal(rng.randrange(300, 3_000) * 1_000),
            )
            for source, name, starts_on, ends_on in specs
        ]
    )
    return [CampaignInfo(c.pk, spec[0], spec[2], spec[3]) for c, spec in zip(created, specs, strict=True)]
