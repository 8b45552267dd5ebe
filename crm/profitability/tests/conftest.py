"""Builders for hand-computed profitability cases: contracts, claims, instalments, deals, complaints, NPS."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.catalog.factories import ProductFactory
from crm.catalog.models import Product, ProductLine
from crm.clients.factories import ClientFactory
from crm.clients.models import Client, Industry
from crm.finance.models import Claim, Instalment
from crm.org.models import User
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Deal
from crm.policies.models import Contract
from crm.service.models import Complaint, NpsResponse

_numbers = itertools.count(1)


def day(text: str) -> datetime.date:
    """«31.12.2026» → date."""
    return datetime.datetime.strptime(text, "%d.%m.%Y").date()


def product(line_code: str) -> Product:
    line = ProductLine.objects.get(code=line_code)
    found = Product.objects.filter(product_line=line, name__startswith="Тест ").first()
    return found or ProductFactory(product_line=line, name=f"Тест {line.name}")


def client(manager: User, industry: str = "trade", **fields) -> Client:
    return ClientFactory(manager=manager, industry=Industry.objects.get(code=industry), **fields)


def contract(
    owner: Client, starts: str, ends: str, premium: str, commission: str = "0", line: str = "property", **fields
) -> Contract:
    """A contract of the client from `starts` to `ends` (dd.mm.yyyy), concluded on its start day."""
    return Contract.objects.create(
        number=f"П-{next(_numbers):05d}",
        client=owner,
        product=product(line),
        manager=owner.manager,
        concluded_on=day(starts),
        starts_on=day(starts),
        ends_on=day(ends),
        written_premium_amount=Decimal(premium),
        commission_amount=Decimal(commission),
        **fields,
    )


def claim(on: Contract, loss: str, incurred: str, reported: str | None = None) -> Claim:
    return Claim.objects.create(
        contract=on,
        client=on.client,
        loss_on=day(loss),
        reported_on=day(reported or loss),
        incurred_amount=Decimal(incurred),
    )


def instalment(on: Contract, due: str, amount: str, paid: str | None) -> Instalment:
    return Instalment.objects.create(
        contract=on,
        due_on=day(due),
        amount=Decimal(amount),
        paid_on=day(paid) if paid else None,
        paid_amount=Decimal(amount) if paid else Decimal(0),
    )


def deal(owner: Client, created: str, requested: str | None, granted: str | None, status: str = "won") -> Deal:
    moment = timezone.make_aware(datetime.datetime.combine(day(created), datetime.time(12)))
    closed = None if status == "open" else day(created)
    return DealFactory(
        client=owner,
        manager=owner.manager,
        status=status,
        closed_on=closed,
        lost_reason="price" if status == "lost" else "",
        requested_discount_rate=Decimal(requested) if requested is not None else None,
        granted_discount_rate=Decimal(granted) if granted is not None else None,
        created_at=moment,
        updated_at=moment,
    )


def complaint(owner: Client, received: str) -> Complaint:
    return Complaint.objects.create(client=owner, manager=owner.manager, category="service", received_on=day(received))


def nps(owner: Client, score: int, responded: str) -> NpsResponse:
    return NpsResponse.objects.create(client=owner, score=score, responded_on=day(responded))


@pytest.fixture
def new_client(manager_a):
    return client(manager_a)


TODAY = day("26.11.2026")
TURNOVER = {"micro": "50000000", "small": "500000000", "medium": "1500000000", "large": "5000000000"}


@pytest.fixture
def portfolio(head, manager_a, manager_a2, manager_b):
    """Three clients for LTV on 26.11.2026 (window 27.11.2023 – 26.11.2026; years end 26.11.2024/2025/2026).

    «Альфа» (manager_a, logistics): c1 01.06.2023–31.05.2024 (366 days) 366 000 / 36 600, 187 days in the window;
    c2 2025 730 000 / 73 000 terminated 31.03.2025 (90 days); c3 cancelled; c4 01.10.2026–30.09.2027 365 000 /
    54 750 (57 days so far); c5 01.06.2025–31.05.2026 365 000 (179 days in year 2, 186 in year 3). Claims:
    100 000 (15.12.2023) and 999 999 (01.11.2023, before the window) on c1, 250 000,50 on c2, 300 000 on c4
    (loss 20.11.2026, reported 03.12.2026 — after the window),
    5 000 on the cancelled c3. «Бета» (manager_a2): 2026 1 000 000 / 100 000, 330 days. «Гамма» (manager_b):
    2026 100 000, a claim of 400 000. «Дельта» (manager_a): no contracts.
    """
    alpha = client(manager_a, "logistics", name="ООО «Альфа»", turnover_amount=Decimal(TURNOVER["medium"]))
    c1 = contract(alpha, "01.06.2023", "31.05.2024", "366000", "36600", "property", status="expired")
    c2 = contract(
        alpha,
        "01.01.2025",
        "31.12.2025",
        "730000",
        "73000",
        "kasko",
        status="terminated",
        terminated_on=day("31.03.2025"),
    )
    c3 = contract(alpha, "01.02.2026", "31.01.2027", "500000", "50000", "cargo", status="cancelled")
    c4 = contract(alpha, "01.10.2026", "30.09.2027", "365000", "54750", "property")
    contract(alpha, "01.06.2025", "31.05.2026", "365000", "0", "cargo", status="expired")
    claim(c1, "15.12.2023", "100000")
    claim(c1, "01.11.2023", "999999")
    claim(c2, "20.03.2025", "250000.50")
    claim(c4, "20.11.2026", "300000", reported="03.12.2026")  # reported after the window: counted by loss date
    claim(c3, "10.02.2026", "5000")
    beta = client(manager_a2, "trade", name="ООО «Бета»", turnover_amount=Decimal(TURNOVER["small"]))
    contract(beta, "01.01.2026", "31.12.2026", "1000000", "100000", "property")
    gamma = client(manager_b, "trade", name="ООО «Гамма»", turnover_amount=Decimal(TURNOVER["small"]))
    claim(contract(gamma, "01.01.2026", "31.12.2026", "100000", "0", "kasko"), "01.06.2026", "400000")
    delta = client(manager_a, "trade", name="ООО «Дельта»")
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta}
