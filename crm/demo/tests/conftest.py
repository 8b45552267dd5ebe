"""One XS dataset per test module, generated inside a transaction that is rolled back afterwards."""

import datetime

import pytest
from django.db import transaction

from crm.demo.generator import SCALES, generate

TODAY = datetime.date(2026, 11, 26)
SEED = 42


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The generation report of an XS dataset (seed 42, today 26.11.2026), visible to the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = generate(scale=SCALES["XS"], seed=SEED, today=TODAY, log=lambda _line: None)
        yield report
        transaction.set_rollback(True)
