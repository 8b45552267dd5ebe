"""The board's and the list's numbers, computed by hand."""

import datetime
from decimal import Decimal

from crm.catalog.factories import ProductFactory
from crm.catalog.models import ProductLine
from crm.clients.factories import ClientFactory
from crm.core.periods import Period
from crm.pipeline.access import deals_visible_to
from crm.pipeline.factories import DealFactory
from crm.pipeline.models import Deal, DealStatus
from crm.pipeline.queries import DealFilters, deal_rows, pipeline_board
from crm.pipeline.tests.conftest import deal_for

TODAY = datetime.date(2026, 6, 15)


def _columns(user, **filters):
    return {
        column.stage.position: column
        for column in pipeline_board(deals_visible_to(user), DealFilters(**filters), today=TODAY)
    }


def test_board_sums_amount_and_weighted_amount_per_stage(head, manager_a, manager_b, stages):
    yesterday = TODAY - datetime.timedelta(days=1)
    # Stage 1 (default 10 %): 1 000 000 × 0.10 + 2 000 000 × 0.30 (own) = 100 000 + 600 000
    deal_for(manager_a, stage=stages[0], amount=Decimal("1000000.00"), expected_close_on=yesterday)
    deal_for(
        manager_a, stage=stages[0], amount=Decimal("2000000.00"), probability=Decimal("0.30"), expected_close_on=TODAY
    )
    # Stage 3 (default 45 %): 500 000 × 0.45 + 300 000,50 × 0.50 (own) = 225 000 + 150 000,25
    deal_for(manager_b, stage=stages[2], amount=Decimal("500000.00"))
    deal_for(manager_b, stage=stages[2], amount=Decimal("300000.50"), probability=Decimal("0.5"))
    # Closed deals are not on the board.
    deal_for(manager_a, stage=stages[0], amount=Decimal("9999.00"), status=DealStatus.WON, closed_on=TODAY)
    columns = _columns(head)
    assert list(columns) == [1, 2, 3, 4, 5]
    first, second, third = columns[1], columns[2], columns[3]
    assert (first.count, first.amount, first.weighted_amount, first.overdue_count) == (2, 3_000_000, 700_000, 1)
    assert (second.count, second.amount, second.weighted_amount, second.cards) == (0, 0, 0, [])
    assert (third.count, third.amount, third.weighted_amount) == (2, Decimal("800000.50"), Decimal("375000.25"))
    assert [card.is_overdue for card in first.cards] == [True, False]
    assert [card.weighted_amount for card in third.cards] == [Decimal("225000"), Decimal("150000.25")]


def test_board_sums_only_what_the_viewer_sees(manager_a, manager_b, stages):
    deal_for(manager_a, stage=stages[0], amount=Decimal("100.00"))
    deal_for(manager_b, stage=stages[0], amount=Decimal("700.00"))
    first = _columns(manager_a)[1]
    assert (first.count, first.amount, first.weighted_amount) == (1, 100, 10)


def test_board_shows_the_most_urgent_cards_and_counts_the_rest(head, manager_a, stages):
    dates = [datetime.date(2026, 7, 1), datetime.date(2026, 6, 1), None, datetime.date(2026, 8, 1)]
    deals = [deal_for(manager_a, stage=stages[0], expected_close_on=day) for day in dates]
    column = pipeline_board(deals_visible_to(head), DealFilters(), today=TODAY, per_stage=2)[0]
    assert [card.deal.pk for card in column.cards] == [deals[1].pk, deals[0].pk]
    assert (column.count, column.hidden_count, column.overdue_count) == (4, 2, 1)


def test_inactive_stage_shows_only_while_it_holds_open_deals(head, manager_a, stages):
    stages[3].is_active = False
    stages[3].save()
    stages[4].is_active = False
    stages[4].save()
    deal_for(manager_a, stage=stages[3], amount=Decimal("10.00"))
    assert list(_columns(head)) == [1, 2, 3, 4]


def test_board_filters_by_product_line_and_manager(head, manager_a, manager_a2, stages):
    cargo = ProductFactory(product_line=ProductLine.objects.get(code="cargo"))
    deal_for(manager_a, stage=stages[0], amount=Decimal("100.00"), product=cargo)
    deal_for(manager_a, stage=stages[0], amount=Decimal("200.00"))
    deal_for(manager_a2, stage=stages[0], amount=Decimal("400.00"), product=cargo)
    assert _columns(head, product_line=cargo.product_line)[1].amount == 500
    assert _columns(head, product_line=cargo.product_line, manager=manager_a)[1].amount == 100


def test_deal_rows_filters_and_searches(head, manager_a, stages):
    alpha = ClientFactory(manager=manager_a, name="ООО «Альфа-Логистик»", inn="7707083893")
    beta = ClientFactory(manager=manager_a, name="АО «Бета»")
    a = DealFactory(client=alpha, stage=stages[1], expected_close_on=datetime.date(2026, 6, 10))
    b = DealFactory(client=beta, stage=stages[1], expected_close_on=datetime.date(2026, 7, 10), kind="renewal")
    DealFactory(client=beta, stage=stages[2], status=DealStatus.LOST, closed_on=TODAY, lost_reason="price")

    def rows(**filters):
        return [deal.pk for deal in deal_rows(deals_visible_to(head), DealFilters(**filters), today=TODAY)]

    assert rows(search="Альфа") == [a.pk]
    assert rows(search="770708") == [a.pk]
    assert rows(status="open", stage=stages[1]) == [b.pk, a.pk]
    assert rows(kind="renewal") == [b.pk]
    assert rows(expected_close=Period(datetime.date(2026, 7, 1), datetime.date(2026, 7, 31))) == [b.pk]
    overdue = {deal.pk: deal.is_overdue for deal in deal_rows(deals_visible_to(head), DealFilters(), today=TODAY)}
    assert overdue == {a.pk: True, b.pk: False, Deal.objects.get(status="lost").pk: False}
