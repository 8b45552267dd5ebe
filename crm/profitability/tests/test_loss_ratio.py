"""Loss ratio by industry → segment → product line → clients over 01.01–30.06.2025, hand-computed.

- L1 (logistics, small): 2025 365 000, 181 days in the window → 181 000 earned; a loss of 20.03.2025 for
  190 050 reported on 15.07.2025 (after the window: counted by loss date) and one of 05.07.2025 (outside).
- L2 (logistics, medium): 01.04.2025–31.03.2026 365 000, 91 days → 91 000; no claims.
- T1 (trade, small): 2025 730 000 → 362 000; a loss of 181 000 on 10.02.2025.
- X1 (trade, small): a contract cancelled from inception with a claim of 7 000 — no earned premium: listed apart.

Logistics 190 050 ÷ 272 000; trade 188 000 ÷ 362 000; company 378 050 ÷ 634 000.
"""

from decimal import Decimal

import pytest

from crm.catalog.models import ProductLine
from crm.core.money import to_money
from crm.core.periods import Period
from crm.profitability.queries import Filters, loss_ratio_report
from crm.profitability.tests.conftest import TURNOVER, claim, client, contract, day

pytestmark = pytest.mark.django_db
H1 = Period(day("01.01.2025"), day("30.06.2025"))


@pytest.fixture
def industries(manager_a, manager_b):
    l1 = client(manager_a, "logistics", name="ООО «Л1»", turnover_amount=Decimal(TURNOVER["small"]))
    c = contract(l1, "01.01.2025", "31.12.2025", "365000", "36500", "cargo")
    claim(c, "20.03.2025", "190050", reported="15.07.2025")
    claim(c, "05.07.2025", "50000")
    l2 = client(manager_b, "logistics", name="ООО «Л2»", turnover_amount=Decimal(TURNOVER["medium"]))
    contract(l2, "01.04.2025", "31.03.2026", "365000", "0", "kasko")
    t1 = client(manager_a, "trade", name="ООО «Т1»", turnover_amount=Decimal(TURNOVER["small"]))
    claim(contract(t1, "01.01.2025", "31.12.2025", "730000", "0", "property"), "10.02.2025", "181000")
    x1 = client(manager_a, "trade", name="ООО «Х1»", turnover_amount=Decimal(TURNOVER["small"]))
    claim(contract(x1, "01.01.2025", "31.12.2025", "50000", status="cancelled"), "10.03.2025", "7000")
    return {"l1": l1, "l2": l2, "t1": t1, "x1": x1}


def q(value):
    """Ratios to 6 places: SQLite sums in floating point, PostgreSQL exactly."""
    return None if value is None else Decimal(value).quantize(Decimal("0.000001"))


def _row(report, name):
    return next(row for row in report.rows if row.name == name)


def test_loss_ratio_by_industry_with_partial_earning_and_the_company(head, industries):
    report = loss_ratio_report(head, H1)
    assert report.level == "industry"
    assert [row.name for row in report.rows] == ["Логистика и грузоперевозки", "Торговля"]
    logistics = _row(report, "Логистика и грузоперевозки").economics
    assert to_money(logistics.earned_premium) == Decimal("272000.00")
    assert to_money(logistics.incurred_claims) == Decimal("190050.00")
    assert q(logistics.loss_ratio) == q(Decimal("190050") / Decimal("272000"))
    # One claim over (181 + 91) ÷ 365 contract-years.
    assert q(logistics.claim_frequency) == q(Decimal(365) / Decimal(272))
    trade = _row(report, "Торговля")
    assert q(trade.economics.loss_ratio) == q(Decimal("188000") / Decimal("362000"))
    assert trade.clients_count == 2  # T1 and X1 (a claim is business too)
    assert q(report.company.loss_ratio) == q(Decimal("378050") / Decimal("634000"))
    assert report.total == report.company  # no filters: the selection is the company
    assert [(item.client.name, to_money(item.incurred_claims)) for item in report.without_premium] == [
        ("ООО «Х1»", Decimal("7000.00"))
    ]


def test_drill_from_industry_to_segment_line_and_clients(head, industries):
    logistics = industries["l1"].industry_id
    segments = loss_ratio_report(head, H1, Filters(industry_id=logistics))
    assert segments.level == "segment"
    assert [(row.key, row.name, q(row.economics.loss_ratio)) for row in segments.rows] == [
        ("small", "Малый", q(Decimal("190050") / Decimal("181000"))),
        ("medium", "Средний", q(0)),
    ]
    assert q(segments.total.loss_ratio) == q(Decimal("190050") / Decimal("272000"))
    assert q(segments.company.loss_ratio) == q(Decimal("378050") / Decimal("634000"))  # still the whole company
    lines = loss_ratio_report(head, H1, Filters(industry_id=logistics, segment="small"))
    cargo = ProductLine.objects.get(code="cargo")
    assert (lines.level, [row.key for row in lines.rows]) == ("product_line", [str(cargo.pk)])
    clients = loss_ratio_report(head, H1, Filters(industry_id=logistics, segment="small", product_line_id=cargo.pk))
    assert clients.level == "client"
    assert [(row.name, q(row.economics.loss_ratio)) for row in clients.rows] == [
        ("ООО «Л1»", q(Decimal("190050") / Decimal("181000")))
    ]


def test_an_undefined_loss_ratio_is_none_never_zero(head, industries):
    trade = industries["t1"].industry_id
    kasko = ProductLine.objects.get(code="kasko")
    report = loss_ratio_report(head, H1, Filters(industry_id=trade, segment="small", product_line_id=kasko.pk))
    assert report.rows == [] and report.total.loss_ratio is None and report.total.claim_frequency is None


def test_a_manager_compares_with_what_they_may_see(manager_a, industries):
    report = loss_ratio_report(manager_a, H1)
    # L1, T1, X1 — not L2 (manager_b): 378 050 ÷ (181 000 + 362 000).
    assert q(report.company.loss_ratio) == q(Decimal("378050") / Decimal("543000"))
