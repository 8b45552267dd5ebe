"""Story (e) of docs/demo-data.md: logistics' loss ratio 1,03 against the company's 0,58 at S, on the page.

Over 01.01.2023 – today, as the generator states the story. S data is generated inside a transaction that is
rolled back.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import transaction

from crm.clients.models import Industry
from crm.core.periods import Period
from crm.core.roles import Role
from crm.demo.generator import SCALES, generate
from crm.org.models import User
from crm.profitability.queries import Filters, loss_ratio_report

TODAY = datetime.date(2026, 11, 26)
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_logistics_is_loss_making_against_the_company_at_s(django_db_setup, django_db_blocker, client, monkeypatch):
    monkeypatch.setattr("crm.profitability.views.today", lambda: TODAY)
    with django_db_blocker.unblock(), transaction.atomic():
        generate(scale=SCALES["S"], seed=42, today=TODAY, log=lambda _line: None)
        head = User.objects.filter(role=Role.HEAD_OF_SALES).order_by("pk").first()
        window = Period(datetime.date(2023, 1, 1), TODAY)
        report = loss_ratio_report(head, window, Filters())
        logistics = next(row for row in report.rows if row.name == "Логистика и грузоперевозки")
        assert round(logistics.economics.loss_ratio, 2) == Decimal("1.03")
        assert round(report.company.loss_ratio, 2) == Decimal("0.58")
        client.force_login(head)
        page = client.get("/profitability/loss-ratio/", {"first": "2023-01-01", "last": "2026-11-26"}).content.decode()
        industry = Industry.objects.get(code="logistics").pk
        row = re.search(rf'<tr data-row="{industry}">(.*?)</tr>', page, re.S).group(1)
        assert ">1,03</td>" in row
        assert re.search(r'data-testid="company-total">.*?>0,58</td>', page, re.S)
        transaction.set_rollback(True)
