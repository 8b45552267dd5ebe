"""`bench_approvals --plant` writes requests consistent with the deals' discounts, then times the screens."""

import datetime
import io
from decimal import Decimal

from django.core.management import call_command

from crm.approvals.models import ApprovalRequest
from crm.approvals.tests.conftest import deal_for
from crm.discussions.models import Message


def test_plant_and_time_on_a_small_database(head, senior_a, manager_a, underwriter, property_product):
    closed = {"status": "won", "closed_on": datetime.date(2026, 3, 1)}
    deal_for(manager_a, property_product, requested_discount_rate=Decimal("0.08"),
             granted_discount_rate=Decimal("0.08"), **closed)  # fmt: skip
    deal_for(manager_a, property_product, requested_discount_rate=Decimal("0.12"),
             granted_discount_rate=Decimal("0.07"), **closed)  # fmt: skip
    deal_for(manager_a, property_product, requested_discount_rate=Decimal("0.04"), **closed)  # within the limit
    deal_for(manager_a, property_product)  # open: sent for approval

    out = io.StringIO()
    call_command("bench_approvals", "--plant", "--open", "1", "--repeat", "1", stdout=out)

    rows = ApprovalRequest.objects.order_by("pk").values_list("state", "route", "approver__username", "discount_rate")
    assert list(rows) == [
        ("approved", "senior", "senior_a", Decimal("0.0800")),
        ("rejected", "head", "head", Decimal("0.1200")),
        ("submitted", "senior", "senior_a", Decimal("0.0600")),
    ]
    assert Message.objects.count() == 3  # one thread: every tenth request, starting with the first
    assert "Создано запросов: 3" in out.getvalue() and "decision card" in out.getvalue()
