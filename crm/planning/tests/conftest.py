import datetime
from decimal import Decimal

import pytest

from crm.planning.models import SalesPlan


@pytest.fixture
def plan(db):
    """Store one month's plan: plan("manager", manager_a, 2026, 3, "1000.00", 2)."""

    def make(scope, target, year, month, amount, count=0, product_line=None):
        fields = {scope: target} if target is not None else {}
        return SalesPlan.objects.create(
            month=datetime.date(year, month, 1),
            scope=scope,
            amount=Decimal(amount),
            contracts_count=count,
            product_line=product_line,
            **fields,
        )

    return make
