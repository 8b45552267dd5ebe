"""Reads over the generated data: a database-independent checksum, and the figures behind each planted story."""

import calendar
import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Q, Sum, When

from crm.catalog.models import Product
from crm.clients.models import Client, Consent, Contact
from crm.core.money import format_rub
from crm.demo.generator.config import USER_EMAIL_DOMAIN
from crm.demo.generator.stories import PLANTED_CLIENTS, UNDER_PLAN_TEAM, PlantedClient
from crm.finance.models import Claim, Instalment
from crm.org.models import Region, Team, User
from crm.pipeline.models import Activity, Campaign, Deal, Lead
from crm.planning.models import SalesPlan
from crm.policies.models import Contract
from crm.service.models import Complaint, NpsResponse
from crm.underwriting.models import UnderwritingDecision

DEAL_KEY = ["client__inn", "product__name", "kind", "created_at"]
# Every generated table, each row rendered through natural keys (ИНН, contract number, login…), never ids.
TABLES: list[tuple[Any, list[str]]] = [
    (Region, ["name", "code"]),
    (Team, ["name", "region__code", "lead__username"]),
    (User, ["username", "last_name", "first_name", "patronymic", "role", "team__name", "email", "phone", "is_active"]),
    (Product, ["name", "product_line__code", "is_pilot", "launched_on", "is_active", "base_commission_rate"]),
    (Product.covered_risks.through, ["product__name", "risk__code"]),
    (Campaign, ["name", "lead_source__code", "starts_on", "ends_on", "budget_amount"]),
    (
        Client,
        [
            "inn",
            "name",
            "short_name",
            "kpp",
            "ogrn",
            "industry__code",
            "turnover_amount",
            "headcount",
            "segment",
            "region__code",
            "branch_count",
            "significance",
            "is_strategic",
            "manager__username",
            "lead_source__code",
            "address",
            "created_at",
        ],
    ),
    (Contact, ["client__inn", "full_name", "position", "phone", "email", "is_decision_maker"]),
    (Consent, ["client__inn", "contact__full_name", "purpose", "given_on", "document", "withdrawn_on"]),
    (
        Lead,
        [
            "company_name",
            "inn",
            "contact_name",
            "lead_source__code",
            "campaign__name",
            "manager__username",
            "client__inn",
            "created_at",
            "converted_at",
        ],
    ),
    (
        Deal,
        [
            *DEAL_KEY,
            "manager__username",
            "title",
            "stage__position",
            "probability",
            "amount",
            "expected_close_on",
            "status",
            "closed_on",
            "lost_reason",
            "lost_reason_text",
            "requested_discount_rate",
            "granted_discount_rate",
            "lead__company_name",
            "lead_source__code",
            "updated_at",
        ],
    ),
    (Deal.requested_risks.through, [f"deal__{field}" for field in DEAL_KEY] + ["risk__code"]),
    (
        Activity,
        [f"deal__{field}" for field in DEAL_KEY]
        + ["manager__username", "kind", "occurred_at", "summary", "objection_category", "objection_text"],
    ),
    (
        UnderwritingDecision,
        [f"deal__{field}" for field in DEAL_KEY]
        + ["underwriter__username", "outcome", "refusal_reason", "comment", "decided_at", "external_id"],
    ),
    (
        Contract,
        [
            "number",
            "client__inn",
            "product__name",
            "deal__created_at",
            "manager__username",
            "concluded_on",
            "starts_on",
            "ends_on",
            "written_premium_amount",
            "commission_amount",
            "discount_rate",
            "special_terms",
            "status",
            "renewal_of__number",
            "terminated_on",
            "termination_reason",
            "approved_terms",
            "approved_at",
            "external_id",
        ],
    ),
    (Instalment, ["contract__number", "due_on", "amount", "paid_on", "paid_amount", "external_id"]),
    (
        Claim,
        [
            "contract__number",
            "client__inn",
            "loss_on",
            "reported_on",
            "paid_on",
            "incurred_amount",
            "paid_amount",
            "status",
            "external_id",
        ],
    ),
    (
        Complaint,
        [
            "client__inn",
            "contract__number",
            "manager__username",
            "category",
            "status",
            "received_on",
            "resolved_on",
            "text",
            "external_id",
        ],
    ),
    (NpsResponse, ["client__inn", "score", "comment", "responded_on", "external_id"]),
    (
        SalesPlan,
        [
            "month",
            "scope",
            "region__code",
            "team__name",
            "manager__username",
            "product_line__code",
            "amount",
            "contracts_count",
        ],
    ),
]


def business_data_count() -> int:
    """How many clients, regions, teams and products exist: any of them blocks a generation without --reset."""
    return sum(model.objects.count() for model in (Client, Region, Team, Product))


def dataset_checksum() -> str:
    """SHA-256 of a canonical dump of the generated business tables, equal on SQLite and PostgreSQL.

    People count when generated (demo e-mail domain, active, not the `admin` login of `demo_users`).
    Each row is rendered through natural keys; a table's row hashes are sorted (so neither ids nor the
    database's collation matter) and hashed; the tables' hashes are chained in a fixed order.
    """
    total = hashlib.sha256()
    for model, fields in TABLES:
        rows = model.objects.all()
        if model is User:
            rows = rows.filter(email__endswith=f"@{USER_EMAIL_DOMAIN}", is_active=True, is_superuser=False)
        digests = sorted(
            hashlib.sha256("\x1f".join(_render(value) for value in row).encode()).digest()
            for row in rows.values_list(*fields).iterator(chunk_size=5_000)
        )
        total.update(model._meta.label.encode())
        total.update(hashlib.sha256(b"".join(digests)).digest())
    return total.hexdigest()


def _render(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def story_figures(today: datetime.date) -> list[tuple[str, str]]:
    """The numbers that show each planted story, as (story, figure) lines for the generator's report."""
    return [
        ("a", _story_a(today)), ("b", _story_b()), ("c", _story_c(today)), ("d", _story_d(today)),
        ("e", _story_e(today)), ("f", _story_f()), ("g", _story_g()), ("h", _story_h()), ("i", _story_i()),
        ("j", _story_j()),
    ]  # fmt: skip


def _story_a(today: datetime.date) -> str:
    team, company = _quarter_deviations(today)
    return f"отклонение от плана с начала квартала: «{UNDER_PLAN_TEAM}» {_pct(team)}, компания {_pct(company)}"


def _story_b() -> str:
    region, company = _win_rate(Deal.objects.filter(client__region__code="SIB")), _win_rate(Deal.objects.all())
    return f"доля выигранных сделок: Сибирь {_pct(region, signed=False)}, компания {_pct(company, signed=False)}"


def _story_c(today: datetime.date) -> str:
    last_12, previous_12 = _it_cyber_deals(today)
    return f"сделки по киберрискам у IT-компаний: последние 12 мес. {last_12}, предыдущие 12 мес. {previous_12}"


def _story_d(today: datetime.date) -> str:
    now, before = _taxi_kasko(today)
    return f"КАСКО таксопарков с начала года: {format_rub(now)}, за тот же период прошлого года {format_rub(before)}"


def _story_e(today: datetime.date) -> str:
    start, sold = datetime.date(today.year - 3, 1, 1), Contract.objects.sold()
    logistics = _ratio(sold.filter(client__industry__code="logistics"), start, today)
    return f"убыточность с {start:%d.%m.%Y}: логистика {logistics}, компания {_ratio(sold, start, today)}"


def _story_f() -> str:
    return "«токсичные» клиенты: " + "; ".join(_toxic_figure(client) for client in PLANTED_CLIENTS if client.toxic)


def _toxic_figure(planted: PlantedClient) -> str:
    client = Client.objects.get(short_name=planted.short_name)
    if planted.toxic == "losses":
        return f"{client.short_name} — жалоб {client.complaints.count()}"
    deals = client.deals.exclude(kind="renewal", status="open")
    asked = deals.filter(requested_discount_rate__isnull=False).count()
    return f"{client.short_name} — скидку просили в {asked} из {deals.count()} сделок"


def _story_g() -> str:
    leaders = Complaint.objects.values_list("manager__username").annotate(n=Count("id")).order_by("-n", "manager")
    return "больше всего жалоб: " + ", ".join(f"{name} — {count}" for name, count in leaders[:3])


def _story_h() -> str:
    approved = Contract.objects.filter(approved_terms__isnull=False).order_by("number")
    changed = [contract.number for contract in approved if contract.terms_changed_after_approval]
    return "условия изменены после согласования: " + ", ".join(changed)


def _story_i() -> str:
    pilot = dict(Deal.objects.filter(product__is_pilot=True).values_list("status").annotate(n=Count("id")))
    won, lost, open_ = pilot.get("won", 0), pilot.get("lost", 0), pilot.get("open", 0)
    return f"пилотный продукт: выиграно {won}, проиграно {lost}, в работе {open_}"


def _story_j() -> str:
    lost = Deal.objects.filter(status="lost")
    no_coverage, price = lost.filter(lost_reason="no_coverage").count(), lost.filter(lost_reason="price").count()
    return f"проиграно по причинам продукта: «нет нужного покрытия» {no_coverage}, «дороже конкурентов» {price}"


def _quarter_deviations(today: datetime.date) -> tuple[float | None, float | None]:
    first = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    elapsed_share = Decimal(today.day) / calendar.monthrange(today.year, today.month)[1]
    plans = SalesPlan.objects.filter(month__range=(first, today), product_line__isnull=True)
    plans = plans.annotate(to_date=Case(When(month=today.replace(day=1), then=F("amount") * elapsed_share),
                                        default=F("amount")))  # fmt: skip
    facts = Contract.objects.sold().filter(concluded_on__range=(first, today))
    team_plan = plans.filter(scope="team", team__name=UNDER_PLAN_TEAM).aggregate(s=Sum("to_date"))["s"]
    team_fact = facts.filter(manager__team__name=UNDER_PLAN_TEAM).aggregate(s=Sum("written_premium_amount"))["s"]
    company_plan = plans.filter(scope="company").aggregate(s=Sum("to_date"))["s"]
    company_fact = facts.aggregate(s=Sum("written_premium_amount"))["s"]
    return _deviation(team_fact, team_plan), _deviation(company_fact, company_plan)


def _deviation(fact: Decimal | None, plan: Decimal | None) -> float | None:
    return float((fact or 0) / plan - 1) if plan else None


def _win_rate(deals: Any) -> float | None:
    counts = deals.aggregate(won=Count("id", filter=Q(status="won")), lost=Count("id", filter=Q(status="lost")))
    closed = counts["won"] + counts["lost"]
    return counts["won"] / closed if closed else None


def _it_cyber_deals(today: datetime.date) -> tuple[int, int]:
    deals = Deal.objects.filter(client__industry__code="it", product__product_line__code="cyber")
    year = datetime.timedelta(days=365)
    last = deals.filter(created_at__date__gt=today - year).count()
    return last, deals.filter(created_at__date__gt=today - 2 * year, created_at__date__lte=today - year).count()


def _taxi_kasko(today: datetime.date) -> tuple[Decimal, Decimal]:
    contracts = Contract.objects.sold().filter(client__industry__code="taxi", product__product_line__code="kasko")
    year_ago = today - datetime.timedelta(days=365)
    now = contracts.filter(concluded_on__range=(today.replace(month=1, day=1), today))
    before = contracts.filter(concluded_on__range=(year_ago.replace(month=1, day=1), year_ago))
    total = Sum("written_premium_amount")
    return now.aggregate(s=total)["s"] or Decimal(0), before.aggregate(s=total)["s"] or Decimal(0)


def _ratio(contracts: Any, first: datetime.date, last: datetime.date) -> str:
    """Loss ratio over [first, last]: incurred claims by loss date ÷ premium earned pro rata of cover days."""
    earned = 0.0
    for starts, ends, terminated, premium in contracts.values_list(
        "starts_on", "ends_on", "terminated_on", "written_premium_amount"
    ).iterator(chunk_size=10_000):
        cover_end = min(ends, terminated or ends, last)
        days = (cover_end - max(starts, first)).days + 1
        earned += float(premium) * max(days, 0) / ((ends - starts).days + 1)
    incurred = Claim.objects.filter(contract__in=contracts, loss_on__range=(first, last)).aggregate(
        s=Sum("incurred_amount")
    )["s"]
    return f"{float(incurred or 0) / earned:.2f}".replace(".", ",") if earned else "—"


def _pct(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "—"
    return (f"{value:+.1%}" if signed else f"{value:.1%}").replace(".", ",")
