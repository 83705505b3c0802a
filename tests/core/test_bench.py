"""The benchmark tooling: every benchmark runs (on the demo data set, in-process), the table says
what is met and missed, and a run's record replaces only the figures it measured. The figures
themselves are measured by `make bench`, never asserted here."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from parcours.core.management.commands import bench, bench_figures


@pytest.fixture
def demo(db):
    from tests.conftest import ensure_communes

    ensure_communes()
    call_command("demo", "--scale", "demo", "--seed", "3", stdout=StringIO())


def test_every_benchmark_runs_on_the_demo_data(demo):
    # load_test starts gunicorn and wrk against a committed database: make bench runs it
    cases = [
        case
        for case in bench_figures.DEPARTMENT + bench_figures.NATIONAL
        if case is not bench_figures.load_test
    ]
    assert len(cases) == 9
    rows = []
    for case in cases:
        rows += case(1)
    figures = {row["figure"] for row in rows}
    assert len(figures) == 11  # the record page and the pathway, the nation and DuckDB: two figures each
    for row in rows:
        assert "error" not in row, row
        assert row["value_ms"] > 0 and row["min_ms"] <= row["value_ms"] <= row["max_ms"], row
    duckdb = next(r for r in rows if r.get("ratio") is not None)
    assert duckdb["duckdb_ms"] > 0 and duckdb["ratio"] == pytest.approx(
        duckdb["value_ms"] / duckdb["duckdb_ms"],
        abs=0.006,  # the ratio is rounded to 2 decimals
    )
    record = next(r for r in rows if r["figure"] == "person record page")
    assert record["queries"]["short"] == record["queries"]["long"]


def test_row_median_and_p95():
    times = [float(t) for t in range(1, 21)]
    median = bench_figures.row("f", "national", times, 10)
    assert (median["value_ms"], median["min_ms"], median["max_ms"]) == (10.5, 1.0, 20.0)
    assert bench_figures.row("f", "national", times, 10, "p95")["value_ms"] == 19.0


def test_table_says_met_missed_and_errors():
    rows = [
        {
            "figure": "a",
            "data": "national",
            "statistic": "median",
            "value_ms": 40,
            "min_ms": 30,
            "max_ms": 50,
            "target_ms": 50,
        },
        {
            "figure": "b",
            "data": "national",
            "statistic": "p95",
            "value_ms": 60,
            "min_ms": 3,
            "max_ms": 70,
            "target_ms": 50,
        },
        {
            "figure": "c",
            "data": "département",
            "value_ms": 12600,
            "min_ms": 12600,
            "max_ms": 12600,
            "target_ms": 180000,
            "seconds": True,
        },
        {
            "figure": "d",
            "data": "national",
            "text": "7 req/s vs bare 10 req/s",
            "ratio_value": 0.7,
            "target_text": "≥ 40 %",
            "met": True,
            "errors": 0,
        },
        {"figure": "e", "data": "national", "error": "wrk absent"},
    ]
    lines = bench.table(rows).splitlines()
    assert lines[2] == "| a | national | 40.0 ms | 30.0–50.0 ms | ≤ 50 ms | met |"
    assert lines[3] == "| b | national | 60.0 ms | 3.0–70.0 ms | ≤ 50 ms | p95; missed |"
    assert lines[4] == "| c | département | 12.6 s | 12.6–12.6 s | ≤ 180 s | met |"
    assert lines[5] == "| d | national | 7 req/s vs bare 10 req/s | — | ≥ 40 % | ratio 0.7; met; 0 errors |"
    assert lines[6] == "| e | national | — | — | — | error: wrk absent |"


def test_a_run_replaces_only_the_figures_it_measured(tmp_path):
    (tmp_path / "README.md").write_text(
        "# Benchmarks\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\nEnd.\n"
    )

    def timing(figure, data, value):
        return {
            "figure": figure,
            "data": data,
            "value_ms": value,
            "min_ms": value,
            "max_ms": value,
            "target_ms": 50,
        }

    bench.record(
        [timing("search", "national", 60), timing("dashboard", "département", 10)],
        tmp_path,
        "20260101-000000",
    )
    merged = bench.record([timing("search", "national", 20)], tmp_path, "20260102-000000")
    assert [(r["figure"], r["value_ms"]) for r in merged] == [("dashboard", 10), ("search", 20)]
    latest = json.loads((tmp_path / "results" / "latest.json").read_text())
    assert latest["at"] == "20260102-000000" and latest["results"] == merged
    run = json.loads((tmp_path / "results" / "20260102-000000.json").read_text())
    assert [r["figure"] for r in run["results"]] == ["search"]  # the run's own file: its figures only
    readme = (tmp_path / "README.md").read_text()
    assert "old" not in readme and readme.startswith(
        "# Benchmarks\n\n<!-- bench:start -->\nLatest run (20260102-000000"
    )
    assert "| search | national | 20.0 ms | 20.0–20.0 ms | ≤ 50 ms | met |" in readme
    assert "| dashboard | département | 10.0 ms |" in readme and readme.endswith(
        "<!-- bench:end -->\n\nEnd.\n"
    )
