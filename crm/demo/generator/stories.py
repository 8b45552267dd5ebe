"""The planted stories: fixed names of the people, teams, regions and clients the reports must find.

Everything here is independent of the seed, so docs/demo-data.md can name it; the mechanics live in the
domain modules (sales, finance, service, plans) and in `amendments` (terms changed after approval).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from crm.core.roles import Role

# (a) a team clearly under plan this quarter to date, while the company is near plan.
UNDER_PLAN_TEAM = "Москва — Средний бизнес"
UNDER_PLAN_FACTOR = Decimal("1.35")  # the team's and its managers' plans for the current quarter
# (b) a region with a clearly low win rate.
LOW_WIN_RATE_REGION = "SIB"
# (g) a manager with many complaints, in another Moscow team.
COMPLAINTS_MANAGER = "o.krivtsov"
COMPLAINTS_MANAGER_TEAM = "Москва — Крупный бизнес"
# (i) the pilot product, launched about eight months before today.
PILOT_PRODUCT = "Киберполис Старт (пилот)"
PILOT_AGE_DAYS = 240
# (h) what changed after approval.
TERMS_CHANGED_ACTION = "contract.terms_changed"
CHANGED_SPECIAL_TERMS = "Франшиза отменена по просьбе клиента; рассрочка увеличена до 4 платежей."

FIXED_USERS = {
    "head": ("Воронцов", "Игорь", "Николаевич"),
    "senior": ("Старостина", "Елена", "Викторовна"),
    "manager": ("Андреев", "Павел", "Сергеевич"),
    COMPLAINTS_MANAGER: ("Кривцов", "Олег", "Петрович"),
    "underwriter": ("Лаптева", "Марина", "Олеговна"),
    "risk": ("Шубин", "Аркадий", "Львович"),
    "marketing": ("Ветрова", "Дарья", "Андреевна"),
    "service": ("Ганиева", "Лилия", "Рашидовна"),
    "product": ("Корнеев", "Степан", "Ильич"),
    "admin": ("Тихонравов", "Глеб", "Артурович"),
}
STAFF_USERNAMES = {
    Role.RISK_MANAGER: "risk",
    Role.MARKETING: "marketing",
    Role.SERVICE_DESK: "service",
    Role.PRODUCT: "product",
}
OBJECTION_RATES = {"manager": 0.85, COMPLAINTS_MANAGER: 0.30}


@dataclass(frozen=True, slots=True)
class PlantedClient:
    """A client with a fixed name and profile that carries one or more stories."""

    short_name: str
    full_name: str
    industry: str
    turnover_mln: int
    region: str
    owner: str  # a login, or a team name (then a member is drawn)
    lines: tuple[str, ...]
    toxic: str = ""  # "losses" (high loss ratio + complaints) or "discount" (discount pressure + late payments)
    tags: tuple[str, ...] = field(default=())

    @property
    def is_sole_proprietor(self) -> bool:
        return self.short_name.startswith("ИП ")


PLANTED_CLIENTS = [
    PlantedClient(
        "ООО «ГрузЭкспресс-Логистик»",
        "Общество с ограниченной ответственностью «ГрузЭкспресс-Логистик»",
        "logistics",
        1_200,
        "MSK",
        "manager",
        ("kasko", "cargo", "osago_fleet"),
        toxic="losses",
    ),
    PlantedClient(
        "АО «СеверСтройМонтаж»",
        "Акционерное общество «СеверСтройМонтаж»",
        "construction",
        1_400,
        "SIB",
        "Сибирь — Крупный бизнес",
        ("construction", "liability", "property"),
        toxic="losses",
    ),
    PlantedClient(
        "ООО «ТрансКарго Сибирь»",
        "Общество с ограниченной ответственностью «ТрансКарго Сибирь»",
        "logistics",
        900,
        "SIB",
        "Сибирь — Крупный бизнес",
        ("cargo", "kasko"),
        toxic="losses",
    ),
    PlantedClient(
        "ООО «Торговый дом «Меридиан»»",
        "Общество с ограниченной ответственностью «Торговый дом «Меридиан»»",
        "trade",
        2_400,
        "MSK",
        "manager",
        ("property", "cargo", "dms"),
        toxic="discount",
        tags=("terms_changed",),
    ),
    PlantedClient(
        "ООО «Агрохолдинг «Заря»»",
        "Общество с ограниченной ответственностью «Агрохолдинг «Заря»»",
        "agriculture",
        1_100,
        "SIB",
        "Сибирь — Крупный бизнес",
        ("property", "kasko", "accident"),
        toxic="discount",
        tags=("terms_changed",),
    ),
    PlantedClient(
        "ИП Савельев Аркадий Петрович",
        "Индивидуальный предприниматель Савельев Аркадий Петрович",
        "taxi",
        60,
        "MSK",
        "Москва — Крупный бизнес",
        ("kasko", "osago_fleet"),
        toxic="discount",
    ),
    PlantedClient(
        "АО «ВолгаПромСинтез»",
        "Акционерное общество «ВолгаПромСинтез»",
        "manufacturing",
        12_000,
        "MSK",
        "senior",
        ("property", "liability", "dms", "esg"),
        tags=("terms_changed",),
    ),
    PlantedClient(
        "ООО «Нейросфера»",
        "Общество с ограниченной ответственностью «Нейросфера»",
        "it",
        750,
        "MSK",
        "manager",
        ("dms", "cyber", "property"),
        tags=("terms_changed",),
    ),
]
TOXIC_CLIENTS = [client.short_name for client in PLANTED_CLIENTS if client.toxic]
TERMS_CHANGED_CLIENTS = [client.short_name for client in PLANTED_CLIENTS if "terms_changed" in client.tags]
