"""Every planted story is present in the XS dataset, checked by direct queries against the glossary definitions."""

import calendar
import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, F, Q, Sum

from crm.audit.models import AuditEvent
from crm.catalog.models import Risk
from crm.clients.models import Client
from crm.demo.generator import stories
from crm.demo.tests.conftest import TODAY
from crm.finance.models import Claim, Instalment
from crm.org.models import Team
from crm.pipeline.models import Deal
from crm.planning.models import SalesPlan
from crm.policies.models import Contract
from crm.service.models import Complaint

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

QUARTER_START = datetime.date(2026, 10, 1)
HISTORY_START = datetime.date(2023, 1, 1)


def plan_to_date(**scope) -> Decimal:
    """Σ plans of the quarter's elapsed months + the current month's plan × elapsed days ÷ days in month."""
    plans = SalesPlan.objects.filter(month__gte=QUARTER_START, month__lte=TODAY, product_line__isnull=True, **scope)
    total = Decimal(0)
    for month, amount in plans.values_list("month", "amount"):
        if month.month == TODAY.month:
            amount = amount * TODAY.day / calendar.monthrange(TODAY.year, TODAY.month)[1]
        total += amount
    return total


def quarter_fact(**scope) -> Decimal:
    contracts = Contract.objects.sold().filter(concluded_on__range=(QUARTER_START, TODAY), **scope)
    return contracts.aggregate(total=Sum("written_premium_amount"))["total"] or Decimal(0)


def test_a_one_team_far_below_plan_while_company_is_near_plan(demo):
    deviations = {
        team.name: quarter_fact(manager__team=team) / plan_to_date(scope="team", team=team) - 1
        for team in Team.objects.all()
    }
    company_deviation = quarter_fact() / plan_to_date(scope="company") - 1
    assert deviations[stories.UNDER_PLAN_TEAM] < Decimal("-0.20")
    assert min(deviations, key=deviations.__getitem__) == stories.UNDER_PLAN_TEAM
    assert abs(company_deviation) < Decimal("0.05")


def win_rate(deals) -> float:
    counts = deals.aggregate(won=Count("id", filter=Q(status="won")), lost=Count("id", filter=Q(status="lost")))
    return counts["won"] / (counts["won"] + counts["lost"])


def test_b_one_region_wins_clearly_less_often(demo):
    region_deals = Deal.objects.filter(client__region__code=stories.LOW_WIN_RATE_REGION)
    assert region_deals.exclude(status="open").count() >= 200
    assert win_rate(region_deals) < win_rate(Deal.objects.all()) - 0.10
    assert (
        win_rate(region_deals) < win_rate(Deal.objects.exclude(client__region__code=stories.LOW_WIN_RATE_REGION)) - 0.2
    )


def test_c_cyber_demand_of_it_companies_grows(demo):
    it_cyber = Deal.objects.filter(client__industry__code="it", product__product_line__code="cyber")
    year = datetime.timedelta(days=365)
    last_12 = it_cyber.filter(created_at__date__gt=TODAY - year).count()
    previous_12 = it_cyber.filter(created_at__date__gt=TODAY - 2 * year, created_at__date__lte=TODAY - year).count()
    assert last_12 > 1.5 * previous_12 > 0
    asked = Deal.objects.filter(client__industry__code="it", requested_risks__product_line__code="cyber")
    assert (
        asked.filter(created_at__date__gt=TODAY - year).count()
        > asked.filter(created_at__date__gt=TODAY - 2 * year, created_at__date__lte=TODAY - year).count()
    )


def test_d_kasko_for_taxi_fleets_falls_this_year(demo):
    def taxi_kasko(first: datetime.date, last: datetime.date) -> Decimal:
        contracts = Contract.objects.sold().filter(
            client__industry__code="taxi", product__product_line__code="kasko", concluded_on__range=(first, last)
        )
        return contracts.aggregate(total=Sum("written_premium_amount"))["total"] or Decimal(0)

    this_year = taxi_kasko(datetime.date(2026, 1, 1), TODAY)
    last_year = taxi_kasko(datetime.date(2025, 1, 1), TODAY.replace(year=2025))
    assert last_year > 0
    assert this_year < Decimal("0.7") * last_year


def loss_ratio(contracts, first=HISTORY_START, last=TODAY) -> float:
    """Incurred claims (by loss date) ÷ earned premium (pro rata of cover days) over [first, last]."""
    earned = 0.0
    for starts, ends, terminated, premium in contracts.values_list(
        "starts_on", "ends_on", "terminated_on", "written_premium_amount"
    ):
        cover_end = min(ends, terminated) if terminated else ends
        days = (min(cover_end, last) - max(starts, first)).days + 1
        earned += float(premium) * max(days, 0) / ((ends - starts).days + 1)
    claims = Claim.objects.filter(contract__in=contracts, loss_on__range=(first, last))
    return float(claims.aggregate(total=Sum("incurred_amount"))["total"]) / earned


def test_e_logistics_is_loss_making(demo):
    sold = Contract.objects.sold()
    assert loss_ratio(sold.filter(client__industry__code="logistics")) > 0.9
    assert loss_ratio(sold) < 0.7


def test_f_toxic_clients_of_both_kinds(demo):
    toxic = {client.short_name: client.toxic for client in stories.PLANTED_CLIENTS if client.toxic}
    assert 5 <= len(toxic) <= 8
    for short_name, kind in toxic.items():
        client = Client.objects.get(short_name=short_name)
        if kind == "losses":
            assert loss_ratio(Contract.objects.sold().filter(client=client)) > 1.0
            assert client.complaints.count() >= 5
        else:
            deals = client.deals.exclude(kind="renewal", status="open")
            assert deals.filter(requested_discount_rate__isnull=False).count() > 0.6 * deals.count()
            due = Instalment.objects.filter(contract__client=client, due_on__lte=TODAY)
            late = due.filter(Q(paid_on__isnull=True) | Q(paid_on__gt=F("due_on")))
            assert late.count() > 0.4 * due.count()


def test_g_one_manager_collects_complaints(demo):
    counts = list(
        Complaint.objects.values_list("manager__username").annotate(total=Count("id")).order_by("-total", "manager")
    )
    assert counts[0][0] == stories.COMPLAINTS_MANAGER
    assert counts[0][1] >= 1.5 * counts[1][1]


def test_h_terms_changed_after_approval_are_audited(demo):
    changed = [c for c in Contract.objects.filter(approved_terms__isnull=False) if c.terms_changed_after_approval]
    assert 3 <= len(changed) <= 5
    for contract in changed:
        event = AuditEvent.objects.get(
            action=stories.TERMS_CHANGED_ACTION, subject_type="policies.contract", subject_id=str(contract.pk)
        )
        assert event.actor_id == contract.manager_id
        assert event.changes["discount_rate"] == [
            contract.approved_terms["discount_rate"],
            f"{contract.discount_rate:.4f}",
        ]
        assert contract.approved_at is not None


def test_i_pilot_product_has_its_own_funnel(demo):
    pilot_deals = Deal.objects.filter(product__is_pilot=True, product__name=stories.PILOT_PRODUCT)
    launched_on = pilot_deals.first().product.launched_on
    assert launched_on == TODAY - datetime.timedelta(days=stories.PILOT_AGE_DAYS)
    by_status = dict(pilot_deals.values_list("status").annotate(n=Count("id")))
    assert by_status.get("won", 0) >= 2 and by_status.get("lost", 0) >= 2 and by_status.get("open", 0) >= 1
    assert not pilot_deals.filter(created_at__date__lt=launched_on).exists()
    assert Contract.objects.filter(product__is_pilot=True).count() == by_status["won"]


def test_j_deals_lost_for_product_reasons(demo):
    uncovered = Risk.objects.filter(product_line__isnull=True)
    no_coverage = Deal.objects.filter(status="lost", lost_reason="no_coverage")
    assert no_coverage.count() >= 10
    assert no_coverage.filter(requested_risks__in=uncovered).distinct().count() == no_coverage.count()
    price = Deal.objects.filter(status="lost", lost_reason="price")
    assert price.count() >= 10
    assert price.filter(lost_reason_text__startswith="Дороже конкурентов").count() == price.count()
