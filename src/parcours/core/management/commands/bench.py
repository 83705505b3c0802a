"""`parcours bench` (and `make bench`): prepare — generate or reuse — the département and national
data sets in their own PostgreSQL databases (next to DATABASE_URL's), run the benchmarks of each after
a warm-up, several times, print one table (figure, median, min–max, target, ratio to the reference)
and record it as JSON under bench/results/ and in bench/README.md. Benchmarks print; they never fail."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import BaseCommand
from django.utils import timezone

SCALES = {"department": "département", "national": "national"}
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
MARK_START = "<!-- bench:start -->"
MARK_END = "<!-- bench:end -->"


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def ensure_database(base: str, name: str) -> None:
    import psycopg

    parts = urlsplit(base)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def parcours(*args, url: str, capture=False) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", ALLOWED_HOSTS="testserver,127.0.0.1,localhost")
    command = [sys.executable, "-m", "parcours.manage", *args]
    return subprocess.run(command, env=env, check=True, text=True, capture_output=capture)


def table(rows: list[dict]) -> str:
    lines = [
        "| benchmark | data | median | min–max | target | ratio / notes |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['figure']} | {r['data']} | — | — | — | error: {r['error']} |")
            continue
        if "text" in r:
            notes = [
                f"ratio {r['ratio_value']}" if "ratio_value" in r else "",
                "met" if r.get("met") else "missed",
            ]
            if r.get("errors") is not None:
                notes.append(f"{r['errors']} errors")
            lines.append(
                f"| {r['figure']} | {r['data']} | {r['text']} | — | {r['target_text']} | "
                + "; ".join(n for n in notes if n)
                + " |"
            )
            continue
        unit = "s" if r.get("seconds") else "ms"
        value = r["value_ms"] / 1000 if unit == "s" else r["value_ms"]
        low = r["min_ms"] / 1000 if unit == "s" else r["min_ms"]
        high = r["max_ms"] / 1000 if unit == "s" else r["max_ms"]
        target = r.get("target_ms")
        target_text = (
            "—" if target is None else (f"≤ {target / 1000:g} s" if unit == "s" else f"≤ {target:g} ms")
        )
        notes = []
        if r.get("statistic") == "p95":
            notes.append("p95")
        if r.get("ratio") is not None:
            notes.append(f"{r['ratio']}× DuckDB ({r['duckdb_ms']} ms; target ≤ {r.get('target_ratio')}×)")
        if r.get("queries"):
            notes.append("queries: " + ", ".join(f"{k} history {v}" for k, v in r["queries"].items()))
        if target is not None:
            notes.append("met" if r["value_ms"] <= target else "missed")
        lines.append(
            f"| {r['figure']} | {r['data']} | {value:.1f} {unit} | {low:.1f}–{high:.1f} {unit} | {target_text} | "
            + "; ".join(notes)
            + " |"
        )
    return "\n".join(lines)


def record(results: list[dict], folder: Path, stamp: str | None = None) -> list[dict]:
    """Write this run's results to folder/results/<stamp>.json; merge them into latest.json, where
    they replace the same benchmarks of earlier runs and leave the others (a run of one data set
    keeps the other's figures); put the merged table between the marks of folder/README.md."""
    stamp = stamp or timezone.localtime().strftime("%Y%m%d-%H%M%S")
    results_dir = folder / "results"
    results_dir.mkdir(parents=True, exist_ok=True)

    def payload(rows):
        return json.dumps({"at": stamp, "cpus": os.cpu_count(), "results": rows}, indent=2, default=str)

    (results_dir / f"{stamp}.json").write_text(payload(results))
    run_now = {(r.get("figure"), r.get("data")) for r in results}
    latest = results_dir / "latest.json"
    kept = []
    if latest.exists():
        kept = [
            r
            for r in json.loads(latest.read_text()).get("results", [])
            if (r.get("figure"), r.get("data")) not in run_now
        ]
    merged = kept + results
    latest.write_text(payload(merged))
    readme = folder / "README.md"
    if readme.exists():
        text = readme.read_text()
        if MARK_START in text and MARK_END in text:
            head, rest = text.split(MARK_START, 1)
            _, tail = rest.split(MARK_END, 1)
            block = (
                f"{MARK_START}\nLatest run ({stamp}, {os.cpu_count()} CPUs):\n\n{table(merged)}\n{MARK_END}"
            )
            readme.write_text(head + block + tail)
    return merged


class Command(BaseCommand):
    help = "Benchmarks aux échelles département et nationale (PostgreSQL) : tableau imprimé, JSON dans bench/results/."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="department,national")
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scales, repeat, seed, **options):
        base = os.environ.get("DATABASE_URL") or DEFAULT_URL
        if not base.startswith(("postgres://", "postgresql://")):
            self.stdout.write(
                "Les benchmarks tournent sur PostgreSQL : DATABASE_URL=postgres://… (ou rien : local)."
            )
            base = DEFAULT_URL
        results = []
        for scale in [s.strip() for s in scales.split(",") if s.strip()]:
            name = f"parcours_bench_{scale}"
            url = database_url(base, name)
            self.stdout.write(f"— {SCALES[scale]} : base {name}")
            ensure_database(base, name)
            parcours("migrate", "--noinput", "-v", "0", url=url)
            started = time.perf_counter()
            out = parcours("demo", "--scale", scale, "--seed", str(seed), "--if-empty", url=url, capture=True)
            elapsed = time.perf_counter() - started
            parcours("figures", url=url)  # a reused database: its monthly figures up to date, vacuumed
            self.stdout.write(out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "")
            if "déjà" not in out.stdout:
                target = 180 if scale == "department" else 1200
                ms = round(elapsed * 1000, 1)
                results.append(
                    {
                        "figure": "data generation",
                        "data": SCALES[scale],
                        "statistic": "once",
                        "value_ms": ms,
                        "min_ms": ms,
                        "max_ms": ms,
                        "target_ms": target * 1000,
                        "seconds": True,
                    }
                )
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
                path = handle.name
            parcours("bench_figures", "--scale", scale, "--repeat", str(repeat), "--json", path, url=url)
            results += json.loads(Path(path).read_text())
            os.unlink(path)
        self.stdout.write(table(results))
        record(results, Path.cwd() / "bench")
