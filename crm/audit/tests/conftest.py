import pytest
from django.db import connection

from crm.audit import triggers


@pytest.fixture(autouse=True)
def _append_only_triggers(db):
    """Browser tests lift the SQLite triggers for their flush; these tests must see them in place."""
    triggers.install(connection)
