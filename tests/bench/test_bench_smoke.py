"""`make bench` never rots: one repetition at scale S through the real command, references included on PostgreSQL."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from crm.bench.cases import FIGURES, SCREENS
from crm.core.periods import today
from crm.demo.generator import SCALES, generate

pytestmark = [pytest.mark.slow]


def test_one_repetition_at_scale_s_measures_everything_and_matches_the_references(committed_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    generate(scale=SCALES["S"], seed=42, today=today(), log=lambda _line: None)
    call_command("demo_users", stdout=io.StringIO())
    output = tmp_path / "result.json"

    call_command("bench", "--scale", "S", "--repeat", "1", "--output", str(output), stdout=io.StringIO())

    result = json.loads(output.read_text(encoding="utf-8"))
    assert [row["label"] for row in result["screens"]] == [screen.label for screen in SCREENS]
    assert [row["label"] for row in result["figures"]] == [figure.label for figure in FIGURES]
    assert all(row["queries"] > 0 and row["runs"] == 1 for row in result["screens"])
    if connection.vendor == "postgresql":
        assert all(row["sql_equal"] and row["duckdb_equal"] for row in result["figures"])
    else:
        assert all("sql_equal" not in row for row in result["figures"])
    docs = tmp_path / "docs"
    docs.mkdir()
    call_command("bench_report", str(output), "--docs", str(docs), stdout=io.StringIO())
    assert "### Scale S on" in (docs / "benchmarks.md").read_text(encoding="utf-8")
