"""The generated data is internally consistent and every identifier passes the validators."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from crm.clients.models import Client, Consent
from crm.clients.validators import is_valid_inn, is_valid_kpp, is_valid_ogrn
from crm.demo.tests.conftest import TODAY
from crm.org.models import User
from crm.pipeline.models import Deal
from crm.planning.models import SalesPlan
from crm.policies.models import Contract

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_identifiers_have_valid_checksums(demo):
    clients = list(Client.objects.values_list("inn", "kpp", "ogrn"))
    assert len(clients) == 150
    assert all(is_valid_inn(inn) for inn, _kpp, _ogrn in clients)
    assert all(is_valid_ogrn(ogrn) for _inn, _kpp, ogrn in clients if ogrn)
    legal_entities = [row for row in clients if len(row[0]) == 10]
    assert all(is_valid_kpp(kpp) for _inn, kpp, _ogrn in legal_entities)
    assert all(len(ogrn) == 13 for _inn, _kpp, ogrn in legal_entities if ogrn)
    sole_proprietors = [row for row in clients if len(row[0]) == 12]
    assert sole_proprietors
    assert all(kpp == "" and len(ogrn) in (0, 15) for _inn, kpp, ogrn in sole_proprietors)


def test_every_won_deal_has_its_contract_with_the_same_manager(demo):
    won = Deal.objects.filter(status="won")
    assert won.annotate(n=Count("contracts")).filter(n=1).count() == won.count()
    assert not Contract.objects.filter(deal__isnull=False).exclude(manager=F("deal__manager")).exists()
    differing = Contract.objects.filter(deal__isnull=False).exclude(written_premium_amount=F("deal__amount"))
    assert differing.count() <= 5  # only the contracts of story (h)


def test_renewals_link_the_contract_they_continue(demo):
    renewals = Contract.objects.filter(deal__kind="renewal")
    assert renewals.count() > 100
    assert not renewals.filter(renewal_of__isnull=True).exists()
    assert not renewals.exclude(starts_on=F("renewal_of__ends_on") + datetime.timedelta(days=1)).exists()


def test_contract_statuses_agree_with_today(demo):
    assert not Contract.objects.filter(status="in_force", ends_on__lt=TODAY).exists()
    assert not Contract.objects.filter(status="expired", ends_on__gte=TODAY).exists()
    terminated = Contract.objects.filter(status="terminated")
    assert (
        terminated.exists() and not terminated.filter(Q(terminated_on__isnull=True) | Q(termination_reason="")).exists()
    )
    assert Contract.objects.filter(status="cancelled").exists()
    assert not Contract.objects.filter(concluded_on__gt=TODAY).exists()


def test_history_covers_three_years_and_the_current_year(demo):
    won_on = Deal.objects.filter(status="won").values_list("closed_on", flat=True)
    assert min(won_on) < datetime.date(2023, 2, 1) and max(won_on) <= TODAY
    assert min(won_on).year == 2023
    months = SalesPlan.objects.filter(scope="company", product_line__isnull=True).values_list("month", flat=True)
    assert (min(months), max(months), len(months)) == (datetime.date(2023, 1, 1), datetime.date(2026, 12, 1), 48)


def test_every_salesperson_has_a_plan_every_month(demo):
    salespeople = User.objects.filter(team__isnull=False, is_active=True)
    per_person = SalesPlan.objects.filter(scope="manager").values("manager").annotate(n=Count("id"))
    assert {row["manager"]: row["n"] for row in per_person} == {person.pk: 48 for person in salespeople}


def test_open_deals_close_in_the_past_this_quarter_and_next(demo):
    open_deals = Deal.objects.filter(status="open")
    assert open_deals.filter(expected_close_on__lt=TODAY).exists()
    assert open_deals.filter(expected_close_on__range=(TODAY, datetime.date(2026, 12, 31))).exists()
    assert open_deals.filter(expected_close_on__range=(datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))).exists()
    assert open_deals.filter(probability__isnull=True).count() > open_deals.count() / 2


def test_personal_data_consents_are_sometimes_missing_or_withdrawn(demo):
    assert Client.objects.filter(consents__isnull=True).exists()
    assert Consent.objects.filter(withdrawn_on__isnull=False).exists()
    assert Consent.objects.filter(withdrawn_on__isnull=True).count() > Consent.objects.count() * 0.8


def test_generate_demo_leaves_existing_data_alone(demo):
    out = io.StringIO()
    call_command("generate_demo", "--scale", "XS", "--if-empty", stdout=out)
    assert out.getvalue().startswith("Демо-данные не созданы: база не пуста")
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_demo", "--scale", "XS", stdout=io.StringIO())
    assert Client.objects.count() == 150
