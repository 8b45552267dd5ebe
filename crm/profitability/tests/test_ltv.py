"""LTV over the 36 months ending today: components, yearly split, ranking and visibility, against hand-computed values.

The portfolio (conftest) on 26.11.2026, «Альфа»: earned 187 000 (c1, year 1) + 180 000 (c2 terminated) + 179 000
(c5, year 2) + 57 000 (c4) + 186 000 (c5, year 3) = 789 000; commission 18 700 + 18 000 + 8 550 = 45 250;
incurred 100 000 + 250 000,50 + 300 000 + 5 000 (the cancelled contract's claim) = 655 000,50 (the 999 999 of
01.11.2023 is before the window). LTV 88 749,50 = 68 300 + 90 999,50 − 70 550 by year.
"""

from decimal import Decimal

import pytest

from crm.catalog.models import ProductLine
from crm.core.money import to_money
from crm.core.periods import Period
from crm.profitability.queries import Filters, ltv_ranking
from crm.profitability.tests.conftest import TODAY, day

pytestmark = pytest.mark.django_db


def _money(value: Decimal) -> Decimal:
    return to_money(value)


def test_ltv_components_of_a_client_with_edge_terminated_cancelled_and_partial_contracts(head, portfolio):
    ranking = ltv_ranking(head, TODAY, Filters(client_id=portfolio["alpha"].pk))
    assert ranking.window == Period(day("27.11.2023"), day("26.11.2026"))
    assert ranking.years == (
        Period(day("27.11.2023"), day("26.11.2024")),
        Period(day("27.11.2024"), day("26.11.2025")),
        Period(day("27.11.2025"), day("26.11.2026")),
    )
    [row] = ranking.rows
    economics = row.economics
    assert _money(economics.earned_premium) == Decimal("789000.00")
    assert _money(economics.earned_commission) == Decimal("45250.00")
    assert _money(economics.incurred_claims) == Decimal("655000.50")
    assert economics.claims_count == 4
    assert economics.cover_days == 187 + 90 + 57 + 365
    assert _money(row.ltv) == Decimal("88749.50")
    assert [_money(value) for value in row.yearly_ltv] == [
        Decimal("68300.00"),
        Decimal("90999.50"),
        Decimal("-70550.00"),
    ]
    assert row.contracts_count == 4  # the cancelled contract covers nothing
    assert row.product_lines == ("Имущество", "КАСКО", "Грузы")
    assert (row.client.name, row.client.manager, row.client.industry) == (
        "ООО «Альфа»",
        "Алексеев И.",
        "Логистика и грузоперевозки",
    )


def test_top_and_bottom_of_the_company(head, portfolio):
    top = ltv_ranking(head, TODAY)
    assert [(row.rank, row.client.name, _money(row.ltv)) for row in top.rows] == [
        (1, "ООО «Бета»", Decimal("813698.63")),  # 1 000 000 × 330 ÷ 365 − 100 000 × 330 ÷ 365
        (2, "ООО «Альфа»", Decimal("88749.50")),
        (3, "ООО «Гамма»", Decimal("-309589.04")),  # 100 000 × 330 ÷ 365 − 400 000
    ]
    assert top.clients_count == 3  # «Дельта» has no contracts: not ranked
    assert _money(top.total.ltv) == Decimal("592859.09")
    bottom = ltv_ranking(head, TODAY, order="bottom", limit=2)
    assert [row.client.name for row in bottom.rows] == ["ООО «Гамма»", "ООО «Альфа»"]
    assert (bottom.limit, bottom.clients_count) == (2, 3)


def test_each_viewer_ranks_only_the_clients_they_may_see(portfolio, manager_a, senior_a, manager_b):
    assert [row.client.name for row in ltv_ranking(manager_a, TODAY).rows] == ["ООО «Альфа»"]
    assert [row.client.name for row in ltv_ranking(senior_a, TODAY).rows] == ["ООО «Бета»", "ООО «Альфа»"]
    assert [row.client.name for row in ltv_ranking(manager_b, TODAY).rows] == ["ООО «Гамма»"]
    assert _money(ltv_ranking(senior_a, TODAY).total.ltv) == Decimal("902448.13")


def test_the_risk_manager_sees_everything_and_other_roles_nothing(portfolio, underwriter):
    from crm.core.roles import Role
    from crm.org.factories import UserFactory

    risk = UserFactory(role=Role.RISK_MANAGER)
    assert len(ltv_ranking(risk, TODAY).rows) == 3
    assert ltv_ranking(underwriter, TODAY).rows == []


def test_a_product_line_keeps_only_its_contracts_and_their_claims(head, portfolio):
    cargo = ProductLine.objects.get(code="cargo")
    [row] = ltv_ranking(head, TODAY, Filters(product_line_id=cargo.pk)).rows
    # c5 (179 000 + 186 000 earned, no commission) and the cancelled c3 with its 5 000 claim.
    assert (row.client.name, _money(row.ltv), row.contracts_count) == ("ООО «Альфа»", Decimal("360000.00"), 1)
    assert row.product_lines == ("Грузы",)


def test_filters_by_industry_team_and_segment(head, portfolio, team_b):
    logistics = portfolio["alpha"].industry_id
    assert [row.client.name for row in ltv_ranking(head, TODAY, Filters(industry_id=logistics)).rows] == ["ООО «Альфа»"]
    assert [row.client.name for row in ltv_ranking(head, TODAY, Filters(team_id=team_b.pk)).rows] == ["ООО «Гамма»"]
    small = ltv_ranking(head, TODAY, Filters(segment="small"), order="bottom")
    assert [row.client.name for row in small.rows] == ["ООО «Гамма»", "ООО «Бета»"]
