"""The benchmark's report and reference plumbing, on hand-made results."""

import datetime
import json
from decimal import Decimal

from crm.bench.references import for_duckdb, for_psycopg, normalise, same_rows
from crm.bench.report import BEGIN, END, changes, query_counts, render, target_ms, write


def result(scale="M", database="postgresql", p95=250.0, ratio=1.2, equal=True):
    return {
        "scale": scale,
        "database": database,
        "today": "2026-11-26",
        "repeat": 10,
        "data": {"clients": 20000, "contracts": 80177, "deals": 110226},
        "machine": {
            "cpu": "AMD EPYC",
            "cores": 2,
            "memory_gib": 23.4,
            "os": "Linux",
            "python": "3.13.0",
            "django": "6.1.3",
            "database": "PostgreSQL 15.20",
            "duckdb": "1.4.2",
        },
        "screens": [
            {
                "label": "dashboard page",
                "median_ms": 200.0,
                "p95_ms": p95,
                "spread_ms": 80.0,
                "queries": 20,
                "peak_mib": 3.5,
                "runs": 10,
            },
        ],
        "operations": [],
        "figures": [
            {
                "label": "Sales fact",
                "rows": 12,
                "median_ms": 12.0,
                "p95_ms": 14.0,
                "spread_ms": 3.0,
                "queries": 1,
                "peak_mib": 0.1,
                "runs": 10,
                "sql_ms": 10.0,
                "duckdb_ms": 6.0,
                "sql_ratio": ratio,
                "duckdb_ratio": 2.0,
                "sql_equal": equal,
                "duckdb_equal": True,
            },
        ],
        "parquet_export_s": 4.2,
    }


def test_targets_follow_the_issue():
    assert target_ms(result("S", "postgresql")) == 300
    assert target_ms(result("M", "sqlite")) == 500
    assert target_ms(result("L", "postgresql")) == 1000


def test_the_section_lists_timings_ratios_and_marks_misses():
    text = render([result(p95=320.0, ratio=1.6, equal=False)], previous=[])

    assert text.startswith(BEGIN) and text.endswith(END)
    assert "### Scale M on PostgreSQL — 20 000 clients, 80 177 contracts, 110 226 deals; today 2026-11-26" in text
    assert "| dashboard page | 200.0 | 320.0 | 80.0 | 20 | 3.5 | — | ✗ ≤ 300 |" in text
    assert "| Sales fact | 12 | 12.0 | 10.0 | 6.0 | 2.0 | ✗ 1.6 | 2.0 | ✗ |" in text
    assert "SQL queries per screen" not in text  # one scale: nothing to compare
    assert "Parquet export of the tables the references read: 4.2 s." in text
    assert "- first run at scale M on postgresql: 2 cases, nothing to compare with." in text


def test_queries_are_compared_across_the_scales_of_one_database():
    small, medium, lite = result("S"), result("M"), result("S", "sqlite")
    medium["figures"] = [{**medium["figures"][0], "queries": 2}]

    lines = query_counts([small, medium, lite])

    assert lines == [
        "### SQL queries per screen and figure on PostgreSQL, by scale",
        "",
        "| screen / figure | S | M | constant |",
        "|---|---:|---:|:---:|",
        "| dashboard page | 20 | 20 | ✓ |",
        "| Sales fact | 1 | 2 | ✗ |",
        "",
    ]


def test_a_case_added_to_a_known_run_is_listed_as_new():
    grown = result()
    grown["screens"] = [*grown["screens"], {**grown["screens"][0], "label": "toxic clients", "p95_ms": 90.0}]
    assert changes([result()], [grown]) == ["- new: toxic clients (M, postgresql) — p95 90.0 ms"]


def test_changes_name_only_moves_above_twenty_percent():
    assert changes([result(p95=250.0)], [result(p95=290.0)]) == ["- no p95 moved by more than 20 % since the last run."]
    assert changes([result(p95=250.0)], [result(p95=400.0)])[0] == (
        "- dashboard page (M, postgresql): p95 250.0 → 400.0 ms (+60%)"
    )


def test_writing_replaces_only_the_generated_section(tmp_path):
    (tmp_path / "benchmarks.md").write_text("# Benchmarks\n\nHand-written intro.\n", encoding="utf-8")
    write(tmp_path, [result(p95=250.0)])
    write(tmp_path, [result(p95=400.0)])

    text = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert text.endswith("Hand-written intro.\n")
    assert "p95 250.0 → 400.0 ms (+60%)" in text


def test_one_sql_text_serves_both_engines_and_casts_are_left_alone():
    sql = "SELECT x::date FROM t WHERE a BETWEEN :first AND :last AND b = :first"
    assert for_psycopg(sql) == "SELECT x::date FROM t WHERE a BETWEEN %(first)s AND %(last)s AND b = %(first)s"
    assert for_duckdb(sql) == "SELECT x::date FROM t WHERE a BETWEEN $first AND $last AND b = $first"


def test_rows_compare_to_the_kopeck_whatever_the_engine_returns():
    product = [(2, Decimal("10.005"), 3), (1, Decimal("1"), 1)]
    reference = [(1, 1.0, 1), (2, Decimal("10.01"), 3)]
    assert normalise(product) == normalise(reference) == [(1, Decimal("1.00"), 1), (2, Decimal("10.01"), 3)]
    assert normalise([(datetime.datetime(2026, 11, 26, 10, 0),)]) == [(datetime.date(2026, 11, 26),)]


def test_duckdb_may_round_a_half_kopeck_the_other_way_postgresql_may_not():
    product = normalise([(2, Decimal("12.875"), 3)])  # PostgreSQL's numeric: exactly on the half kopeck
    duck = normalise([(2, 12.874999999999998, 3)])  # DuckDB's DECIMAL division, in binary floating point

    assert product == [(2, Decimal("12.88"), 3)] and duck == [(2, Decimal("12.87"), 3)]
    assert same_rows(product, duck, floating=True)
    assert not same_rows(product, duck)
    assert not same_rows(product, normalise([(2, 12.86, 3)]), floating=True)  # two kopecks: a real difference
    assert not same_rows(product, normalise([(3, 12.88, 3)]), floating=True)  # another client
    assert not same_rows(product, [], floating=True)


def test_a_run_of_some_scales_keeps_the_other_scales_last_results(tmp_path):
    write(tmp_path, [result(scale="L", p95=900.0), result(scale="M", p95=250.0)])
    write(tmp_path, [result(scale="M", p95=400.0)])

    text = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert "### Scale L on PostgreSQL — 20 000 clients" in text
    assert "10 runs each (carried over from an earlier run)" in text
    assert "p95 250.0 → 400.0 ms (+60%)" in text
    assert "(L, postgresql)" not in text  # a carried run is compared with itself: nothing moved
    history = json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))
    assert [(run["scale"], run.get("carried", False)) for run in history] == [("M", False), ("L", True)]
    assert history[1]["screens"][0]["p95_ms"] == 900.0
