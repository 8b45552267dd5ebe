"""`make bench` never rots: one repetition at scale S through the real command, references included on PostgreSQL."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from crm.bench.cases import FIGURES, IMPORTED, OPERATIONS, SCREENS
from crm.bench.runner import context_for_demo
from crm.core.periods import today
from crm.demo.generator import SCALES, generate
from crm.finance.models import Instalment
from crm.imports.models import ImportJob

pytestmark = [pytest.mark.slow]


def test_one_repetition_at_scale_s_measures_everything_and_matches_the_references(committed_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    generate(scale=SCALES["S"], seed=42, today=today(), log=lambda _line: None)
    call_command("demo_users", stdout=io.StringIO())
    output = tmp_path / "result.json"
    if connection.vendor == "postgresql":  # the generator left fresh planner statistics and a visibility map
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = 'pipeline_deal'")
            assert all(cursor.fetchone())

    call_command(
        "bench", "--scale", "S", "--repeat", "1", "--bulk-rows", "300", "--output", str(output), stdout=io.StringIO()
    )

    result = json.loads(output.read_text(encoding="utf-8"))
    assert [row["label"] for row in result["screens"]] == [screen.label for screen in SCREENS]
    assert [row["label"] for row in result["figures"]] == [figure.label for figure in FIGURES]
    assert all(row["queries"] > 0 and row["runs"] == 1 for row in result["screens"])
    operations = {row["label"]: row for row in result["operations"]}
    assert list(operations) == [operation.label_for(context_for_demo(300)) for operation in OPERATIONS]
    assert "import of 300 payments (CSV, 1С export)" in operations
    assert "export of 300 claim lines to XLSX" in operations
    assert all(row["runs"] == 1 and row["queries"] > 0 for row in operations.values())
    # The import's teardown deleted what every run wrote: no payment, job or stored file is left.
    assert not Instalment.objects.filter(external_id__startswith=IMPORTED).exists()
    assert not ImportJob.objects.exists()
    if connection.vendor == "postgresql":
        assert all(row["sql_equal"] and row["duckdb_equal"] for row in result["figures"])
    else:
        assert all("sql_equal" not in row for row in result["figures"])
    docs = tmp_path / "docs"
    docs.mkdir()
    call_command("bench_report", str(output), "--docs", str(docs), stdout=io.StringIO())
    assert "### Scale S on" in (docs / "benchmarks.md").read_text(encoding="utf-8")
